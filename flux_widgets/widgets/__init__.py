"""The kit's interactive views: everything that needs ipywidgets, bqplot, ipycytoscape or anywidget.

- ``panel``: :class:`~flux_widgets.widgets.panel.Panel`, the training panel, which
  puts the pieces below together around one stepper (keys, presentation mode);
- ``controls``: the settings and their checks, the dataset chooser (a learner's CSV too);
- ``training``: the training row (train for many iterations without freezing the page, Stop);
- ``just_computed``: the strip under the narration: the matrix the last step computed, as
  its equation;
- ``tables``: the named matrices of a layer as HTML tables;
- ``diagram``: the network as a cytoscape diagram;
- ``charts``: :class:`~flux_widgets.widgets.charts.CostChart`, the panel's cost chart (bqplot);
- ``output_map``: a 2-feature network's output over the input plane;
- ``inspector``: a clicked weight or neuron explained (a weight's gradient derived, set by hand);
- ``keep``: save, load and share a state from the panel;
- ``view``: the interface every view of the panel shares (told when the network is
  replaced and when a step happened);
- ``frontend``: the kit's own front-end code (``frontend.js``, run by anywidget): keys while
  the panel has focus, the live region, the diagram fitted when drawn, its text alternative;
- ``nodelay``: an opt-in for Jupyter servers, the kernel's websocket without Nagle's delay;
- ``closing``: closing widgets and all they hold, so that replaced views (and the
  panels of an earlier run of a cell) leave nothing behind.

Nothing is imported here eagerly; import the module you need, e.g.
``from flux_widgets.widgets.tables import MatrixTables``. The engine (the top-level
modules of ``flux_widgets``) never imports this subpackage: only asking for
``flux_widgets.Panel`` reaches in (``tests/test_engine_imports.py`` checks that the
engine imports no widget library, and runs it end to end without one).
"""
