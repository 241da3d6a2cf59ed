"""The kit's colours, in one place: the diagram, the output map, the charts and the tables
use the same blue for positive, the same orange for negative, and so on.

Plain constants (no widget library), so the text and SVG drawings of the engine
(:mod:`flux_widgets.mse_graph`) and the widgets' views share them.
"""

__all__ = ["POSITIVE", "NEGATIVE", "ACTIVE", "SELECTED", "MUTED", "CURVE", "CATEGORIES",
           "WRITTEN", "CHANGED", "OK", "ERROR"]

POSITIVE = "#2b6cb0"  # a positive weight; class 1 of two
NEGATIVE = "#dd6b20"  # a negative weight; class 0 of two
ACTIVE = "#d69e2e"  # the layer being computed; the presentation mode's accent
SELECTED = "#9b2c2c"  # a clicked neuron, weight or table cell
MUTED = "#718096"  # hints, and values that are not finite
CURVE = "#1f77b4"  # the cost curve
WRITTEN = "#bee3f8"  # the halo of a matrix a step wrote; the narration's edge
CHANGED = "#fefcbf"  # the background of a cell whose value changed
OK = "#2f6f3e"  # a message that something worked (dark enough for text on white)
ERROR = "#c53030"  # a message that something was refused
# one colour per class, for three classes or more (matplotlib's "tab10", without grey)
CATEGORIES = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
              "#e377c2", "#bcbd22", "#17becf")
