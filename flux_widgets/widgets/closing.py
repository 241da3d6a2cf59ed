"""Closing widgets and everything they hold, so that replaced views leave nothing behind.

Every ipywidgets widget keeps a comm to the front end and an entry in ipywidgets'
registry until it is closed; a container's ``close()`` closes the container alone. A
view that is replaced (a new network formed in the panel, a panel made again by
re-running its cell) therefore closes its whole tree: the containers, their children,
and the widgets held in traits (layouts, styles, a figure's marks, scales and axes, a
cytoscape graph's nodes and edges).
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["held_widgets", "close_widgets"]


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
