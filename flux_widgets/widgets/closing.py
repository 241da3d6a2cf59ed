"""Closing widgets and everything they hold, so that replaced views leave nothing behind.

Every ipywidgets widget keeps a comm to the front end and an entry in ipywidgets'
registry until it is closed; a container's ``close()`` closes the container alone. A
view that is replaced (a new network formed in the panel, a panel made again by
re-running its cell) therefore closes its whole tree: the containers, their children,
and the widgets held in traits (layouts, styles, a figure's marks, scales and axes, a
cytoscape graph's nodes and edges).

The panels of a notebook cell are kept here too (:func:`replace_the_panels_of_an_earlier_run`):
re-running the cell that made a panel closes the panel its earlier run made.
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["held_widgets", "close_widgets", "replace_the_panels_of_an_earlier_run"]


def held_widgets(*roots):
    """Every widget reachable from ``roots`` through their synced traits (roots included)."""
    found, stack = {}, [root for root in roots if root is not None]
    while stack:
        widget = stack.pop()
        if id(widget) in found:
            continue
        found[id(widget)] = widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            values = (value.values() if isinstance(value, dict) else
                      value if isinstance(value, (list, tuple)) else [value])
            stack.extend(item for item in values if isinstance(item, widgets.Widget))
    return list(found.values())


def close_widgets(roots, keep=()):
    """Close every widget held by ``roots`` that is not also held by ``keep``."""
    kept = {id(widget) for widget in held_widgets(*keep)}
    for widget in held_widgets(*roots):
        if id(widget) not in kept:
            widgets.Widget.close(widget)  # the widget's own close(), not a subclass's


_PANELS_OF_CELL = {}  # notebook cell id -> (the run that made them, [panels])


def _running_cell():
    """``(cell id, run id)`` of the notebook cell being run, or None outside a notebook.

    JupyterLab and Notebook 7 name the cell in the metadata of each execute request
    (``cellId``); the request's own id tells one run of the cell from the next."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets needs IPython
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    parent = kernel.get_parent() if kernel is not None else None
    cell = (parent or {}).get("metadata", {}).get("cellId")
    return (cell, parent["header"].get("msg_id")) if cell else None


def replace_the_panels_of_an_earlier_run(panel):
    """Keep ``panel`` as one of the running cell's; close the panels an earlier run of the
    cell made (their output is gone): their training stops and their widgets close, so
    nothing of them keeps running. Outside a notebook cell, do nothing."""
    running = _running_cell()
    if running is None:
        return
    cell, run = running
    earlier_run, panels = _PANELS_OF_CELL.get(cell, (run, []))
    if earlier_run != run:
        for earlier in panels:
            earlier.close()
        panels = []
    _PANELS_OF_CELL[cell] = (run, panels + [panel])
