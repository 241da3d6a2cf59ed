"""The engine (every module of ``flux_widgets`` outside ``flux_widgets/widgets/``) imports
no widget module: not at import time, not inside a function.

Two checks: a static one reads every import statement of the engine's source (and every
``importlib.import_module`` / ``__import__`` of a constant name); a dynamic one imports
every engine module and runs the engine end to end in a fresh interpreter, then looks
at ``sys.modules``.
"""

import ast
import subprocess
import sys
from pathlib import Path

import flux_widgets

PACKAGE = Path(flux_widgets.__file__).parent
# the widget modules, and IPython: the engine runs in a plain interpreter
WIDGET_MODULES = ("flux_widgets.widgets", "ipywidgets", "bqplot", "ipycytoscape", "ipyevents",
                  "anywidget", "IPython")
ENGINE_FILES = sorted(path for path in PACKAGE.rglob("*.py")
                      if "widgets" not in path.relative_to(PACKAGE).parts[:-1])

# The package's facade: ``flux_widgets.Panel`` (the lessons' ``fw.Panel()``) is looked up in
# ``flux_widgets/__init__.py`` by a module ``__getattr__`` that imports the panel only when
# that name is asked for. It is the entry to the widgets, not a use of them by the engine.
ALLOWED = {("__init__.py", "flux_widgets.widgets.panel.Panel")}


def module_name(path):
    """``flux_widgets/exercises/chapter05.py`` -> ``flux_widgets.exercises.chapter05``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path):
    """What each import in ``path`` names, relative imports made absolute:
    ``from .widgets.panel import Panel`` in ``flux_widgets/__init__.py`` names
    ``flux_widgets.widgets.panel.Panel``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            yield from (f"{module}.{alias.name}" for alias in node.names)  # a name may be a module
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "import_module",
                                             "__import__")):
            yield node.args[0].value


def is_widget_module(name):
    return any(name == widget or name.startswith(widget + ".") for widget in WIDGET_MODULES)


def test_the_static_check_sees_relative_and_lazy_imports():
    assert "flux_widgets.widgets.panel.Panel" in set(imported_names(PACKAGE / "__init__.py"))
    assert "flux_widgets.mse_graph.downsample" in set(
        imported_names(PACKAGE / "widgets" / "charts.py"))


def test_no_engine_module_names_a_widget_module_in_an_import():
    assert len(ENGINE_FILES) > 10 and PACKAGE / "mse_graph.py" in ENGINE_FILES
    found = {(str(path.relative_to(PACKAGE)), name) for path in ENGINE_FILES
             for name in imported_names(path) if is_widget_module(name)}
    assert found == ALLOWED  # nothing more, and no exception that is no longer needed


def test_the_engine_runs_end_to_end_without_loading_a_widget_module():
    modules = sorted(module_name(path) for path in ENGINE_FILES)
    code = "\n".join([
        "import importlib, sys",
        f"for name in {modules!r}:",
        "    importlib.import_module(name)",
        "import numpy as np",
        "import flux_widgets as fw",
        "data = fw.load_dataset('parity4')",
        "network = fw.Form_Network([4, 1], data.inputs, data.targets, seed=0)",
        "mse_values, iteration_points = fw.Learn(network, 0.5, 30)",
        "fw.NNStructureVis.visualizeNetwork(network)",
        "chart = fw.MSEGraphPlotter.plotMSEvsIterations(mse_values, iteration_points)",
        "chart._repr_mimebundle_(); str(chart)",
        "stepper = fw.Stepper(network); stepper.step('iteration'); stepper.undo()",
        "fw.check_gradients(network)",
        f"loaded = sorted(m for m in sys.modules if m.startswith({WIDGET_MODULES!r}))",
        "print('loaded:', loaded)",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: []"
