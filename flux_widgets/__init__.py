"""FLUX teaching kit: the seed's neural-network framework in numpy, made visible.

The engine (this package's top-level modules) needs numpy only and never
imports the widgets; ``flux_widgets.widgets`` holds everything that draws.
"""

from .activations import ActivationType
from .errors import (ConfigurationError, DataError, FluxError, NonFiniteError, ShapeError,
                     StorageError)
from .layer import Neural_Layer
from .matrix import (Matrix_Add, Matrix_Broadcast, Matrix_Data_Preprocessor,
                     Matrix_Hadamard_Product, Matrix_Mean_Squared_Error, Matrix_Multiply,
                     Matrix_Scalar_Multiply, Matrix_Subtract, Matrix_Sum_Columns,
                     Matrix_Transpose, Operation, record_operations)
from .network import (Back_Propagation, Form_Network, Forward_Pass, Learn,
                      Neural_Layer_Information, Predict, Update_Parameters, network_cost)

# snake_case aliases of the seed's names
form_network = Form_Network
forward_pass = Forward_Pass
back_propagation = Back_Propagation
update_parameters = Update_Parameters
learn = Learn
predict = Predict

__version__ = "0.1.0"
