"""The kit's own front-end code: one JavaScript module (``frontend.js``), run by anywidget.

ipywidgets, bqplot and ipycytoscape draw the panel; what they cannot do is here, in one
place, as small invisible widgets placed inside the part of the page they serve:

- :class:`PanelKeys` (part ``"panel"``): the panel's shortcuts work whenever the panel
  has keyboard focus (a click anywhere in it, or Tab), from a keyboard, a presenter's
  clicker (PageDown / PageUp) or a screen reader, and never take a key typed into a
  field or meant for a code cell; the narration is an ARIA live region; sliders'
  handles get their names, and upload buttons lose ipywidgets' file count ("(0)").
- :class:`DiagramFront` (part ``"diagram"``): puts the network's elements into the
  ipycytoscape view and gives each its look classes, restyling only the elements whose
  classes changed; fits the network into its view whenever the view is drawn or resized
  (after a page reload too); the canvas carries a text alternative.

anywidget ships its own JupyterLab extension in its wheel, works in Notebook 7 and in
JupyterLite, and reads the module from ``_esm``: no build step, no npm package.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["PanelKeys", "DiagramFront"]

_MODULE = Path(__file__).with_name("frontend.js")


class _FrontEnd(anywidget.AnyWidget):
    _esm = _MODULE
    part = traitlets.Unicode().tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)  # an accessible name or text alternative


class PanelKeys(_FrontEnd):
    """``PanelKeys(shortcuts=[…], label=…)``, the panel's keys: ``on_key(callback)`` calls
    ``callback({"key": …})`` for a key of ``shortcuts`` pressed while the panel has focus
    (no Ctrl, Alt or Meta; a held key once). ``label`` is the panel's accessible name."""

    part = traitlets.Unicode("panel").tag(sync=True)
    shortcuts = traitlets.List(traitlets.Unicode()).tag(sync=True)  # ("keys" is ipywidgets')

    def on_key(self, callback):
        self.on_msg(lambda _, content, buffers: callback(content)
                    if content.get("event") == "keydown" else None)


class DiagramFront(_FrontEnd):
    """Draws ``elements`` (cytoscape.js JSON, ``{"group", "data", "position"}``) in the
    ipycytoscape view beside it, element i with the classes ``looks[i]``, and fits them
    into the view when it is drawn; ``label`` is the canvas's text alternative.
    ``refit()`` asks for a fit now."""

    part = traitlets.Unicode("diagram").tag(sync=True)
    elements = traitlets.List(traitlets.Dict()).tag(sync=True)
    looks = traitlets.List(traitlets.Unicode()).tag(sync=True)
    padding = traitlets.Int(20).tag(sync=True)  # pixels around the fitted network
    fits = traitlets.Int(0).tag(sync=True)  # a change asks the front end to fit

    def refit(self):
        self.fits += 1
