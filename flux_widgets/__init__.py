"""FLUX teaching kit: the seed's neural-network framework in numpy, made visible.

The engine (this package's top-level modules) needs numpy only and never
imports the widgets; ``flux_widgets.widgets`` holds everything that draws.
The seed's names work as in the seed (``Form_Network``, ``Learn``, …), with
snake_case aliases.
"""

from .activations import ActivationType
from .datasets import Dataset, load_csv, load_dataset, train_test_split
from .derivation import (check_gradients, derive_bias_gradient, derive_weight_gradient,
                         finite_difference)
from .errors import (ConfigurationError, DataError, FluxError, NonFiniteError,
                     OperandTypeError, ReadOnlyMatrixError, ShapeError,
                     StorageError)
from .layer import Neural_Layer
from .matrix import (Matrix_Add, Matrix_Broadcast, Matrix_Data_Preprocessor,
                     Matrix_Hadamard_Product, Matrix_Mean_Squared_Error, Matrix_Multiply,
                     Matrix_Scalar_Multiply, Matrix_Subtract, Matrix_Sum_Columns,
                     Matrix_Transpose, Operation, record_operations)
from .mse_graph import MSEGraphPlotter
from .network import (Back_Propagation, Form_Network, Forward_Pass, Learn,
                      Neural_Layer_Information, Predict, Update_Parameters, network_cost,
                      predicted_class)
from .stepper import Step, Stepper
from .storage import load_network, save_network
from .text import NNStructureVis

# snake_case aliases of the seed's names
form_network = Form_Network
forward_pass = Forward_Pass
back_propagation = Back_Propagation
update_parameters = Update_Parameters
learn = Learn
predict = Predict

# the version of the kit, written only here (pyproject.toml reads it; semantic versioning,
# each version with its entry in CHANGELOG.md)
__version__ = "0.2.0"


def __getattr__(name):
    """``flux_widgets.Panel`` without importing ipywidgets until it is asked for."""
    if name == "Panel":
        from .widgets.panel import Panel
        return Panel
    raise AttributeError(f"module 'flux_widgets' has no attribute {name!r}")

__all__ = [
    "ActivationType", "Neural_Layer", "Neural_Layer_Information",
    "Form_Network", "Forward_Pass", "Back_Propagation", "Update_Parameters", "Learn", "Predict",
    "form_network", "forward_pass", "back_propagation", "update_parameters", "learn", "predict",
    "network_cost", "predicted_class",
    "Matrix_Multiply", "Matrix_Broadcast", "Matrix_Add", "Matrix_Subtract", "Matrix_Transpose",
    "Matrix_Hadamard_Product", "Matrix_Scalar_Multiply", "Matrix_Sum_Columns",
    "Matrix_Mean_Squared_Error", "Matrix_Data_Preprocessor", "Operation", "record_operations",
    "Stepper", "Step",
    "derive_weight_gradient", "derive_bias_gradient", "finite_difference", "check_gradients",
    "Dataset", "load_dataset", "load_csv", "train_test_split",
    "save_network", "load_network",
    "NNStructureVis", "MSEGraphPlotter",
    "FluxError", "ShapeError", "OperandTypeError", "ReadOnlyMatrixError", "DataError", "ConfigurationError", "StorageError",
    "NonFiniteError",
]
