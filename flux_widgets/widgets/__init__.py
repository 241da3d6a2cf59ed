"""The kit's interactive views: everything that needs ipywidgets, bqplot or ipycytoscape.

Nothing is imported here eagerly; import the module you need, e.g.
``from flux_widgets.widgets.charts import mse_figure``. The engine (the
top-level modules of ``flux_widgets``) never imports this subpackage at import
time. The training panel joins it in a later issue.
"""
