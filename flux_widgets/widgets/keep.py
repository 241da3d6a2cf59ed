"""Keep and share a state from the panel: save and load a session, share a configuration string.

:class:`KeepAndShare` owns no network. It asks the caller for the current
state and hands a loaded state back through callbacks, which are called only
when everything succeeded; every problem becomes a short message in the box.
"""

from __future__ import annotations

import html
import os

import ipywidgets as widgets

from .. import palette
from ..checks import MAX_UPLOAD_BYTES
from ..errors import FluxError, StorageError
from ..session import (configuration_string, load_session, load_session_bytes,
                       parse_configuration_string, save_session)

__all__ = ["KeepAndShare", "DEFAULT_FILENAME"]

DEFAULT_FILENAME = "flux_session.npz"


class KeepAndShare:
    """Save / load a session file, upload one, and show or use a configuration string.

    Parameters
    ----------
    get_state : callable
        ``get_state() -> (stepper, settings, predictions)``: the state on screen, the
        settings it was formed with (as :meth:`Controls.values` returns them) and the
        prediction score ``(right, asked)``; it raises a FluxError when there is none
        (its message is shown).
    on_loaded : callable
        ``on_loaded(stepper, settings, predictions)``: called with a loaded session
        (a :class:`~flux_widgets.session.Session`).
    on_settings : callable
        ``on_settings(settings)``: called with the settings of a pasted string;
        it may raise a FluxError to refuse them (its message is shown).

    Attributes
    ----------
    box : ipywidgets.VBox
        The widget to show. The shared string is filled by :meth:`show_configuration`
        (its button, a save or a load); call it after forming a network.
    """

    def __init__(self, get_state, on_loaded, on_settings):
        self._get_state, self._on_loaded, self._on_settings = get_state, on_loaded, on_settings
        self.filename = widgets.Text(value=DEFAULT_FILENAME, description="File",
                                     layout=widgets.Layout(width="260px"))
        self.save_button = widgets.Button(description="Save", icon="save",
                                          tooltip="Save the network, its step, its MSE curve and "
                                                  "the prediction score")
        self.load_button = widgets.Button(description="Load", icon="folder-open",
                                          tooltip="Load the session saved in this file")
        self.upload = widgets.FileUpload(
            accept=".npz", multiple=False, description="Upload session…",
            tooltip="Load a session saved on your computer (a .npz file of up to "
                    f"{MAX_UPLOAD_BYTES // 10**6} MB, the most Jupyter passes to the kernel)")
        self.shared = widgets.Text(description="Share", style={"description_width": "initial"},
                                   tooltip="Select and copy this string for your learners",
                                   layout=widgets.Layout(width="520px"))
        self.share_button = widgets.Button(description="Show string", icon="share-alt",
                                           tooltip="Show the configuration string of the "
                                                   "network on screen")
        self.pasted = widgets.Text(placeholder="paste a configuration string: flux1:…",
                                   description="Use string",
                                   style={"description_width": "initial"},
                                   layout=widgets.Layout(width="520px"))
        self.use_button = widgets.Button(description="Use", icon="check",
                                         tooltip="Form the network this string describes")
        self.message = widgets.HTML()
        self.box = widgets.VBox([
            widgets.HBox([self.filename, self.save_button, self.load_button, self.upload]),
            widgets.HBox([self.shared, self.share_button]),
            widgets.HBox([self.pasted, self.use_button]),
            self.message,
        ])
        self.save_button.on_click(lambda _: self.save())
        self.load_button.on_click(lambda _: self.load())
        self.share_button.on_click(lambda _: self.show_configuration())
        self.use_button.on_click(lambda _: self.use(self.pasted.value))
        self.upload.observe(self._uploaded, "value")
        self.shared.observe(self._keep_shared, "value")
        self._shown = ""

    # ---- messages --------------------------------------------------------

    def _say(self, text):
        self.message.value = f"<span style='color:{palette.OK}'>{html.escape(text)}</span>"

    def _warn(self, error):
        self.message.value = (f"<span style='color:{palette.ERROR}'>⚠ "
                              f"{html.escape(str(error))}</span>")

    # ---- the configuration string ----------------------------------------

    def show_configuration(self):
        """Show the configuration string of the state on screen; return it (None on a problem:
        then the field is emptied, so it never shows the string of a network gone)."""
        try:
            _, settings, _ = self._get_state()
            text = configuration_string(settings)
        except FluxError as error:
            self._shown = self.shared.value = ""
            self._warn(error)
            return None
        self._shown = self.shared.value = text
        return text

    def _keep_shared(self, change):
        """The shown string is for copying: an edit in it is undone."""
        if change["new"] != self._shown:
            self.shared.value = self._shown

    def use(self, text):
        """Give a pasted configuration string's settings to ``on_settings``; True on success."""
        try:
            settings = parse_configuration_string(text)
            self._on_settings(settings)
        except FluxError as error:
            self._warn(error)
            return False
        self.show_configuration()
        self._say(f"Now using {configuration_string(settings)}.")
        return True

    # ---- saving and loading ----------------------------------------------

    def _path(self):
        """The typed file name in the kernel's working folder, ``.npz`` added if missing."""
        name = self.filename.value.strip()
        if not name:
            raise StorageError(f"type a file name such as {DEFAULT_FILENAME}")
        if not name.lower().endswith(".npz"):
            name += ".npz"
        return os.path.abspath(os.path.expanduser(name))

    def save(self):
        """Save the state on screen to the typed file; return its full path (None on a problem)."""
        try:
            path = self._path()
            stepper, settings, predictions = self._get_state()
            replaced = os.path.exists(path)
            save_session(stepper, path, settings, predictions)
        except (FluxError, OSError) as error:
            self._warn(error)
            return None
        self.show_configuration()
        self._say(f"Saved to {path}" + (" (replacing the earlier file)." if replaced else "."))
        return path

    def load(self):
        """Load the session in the typed file; True on success (then ``on_loaded`` was called)."""
        return self._hand_over(self._path, load_session)

    def load_bytes(self, data, name):
        """Load a session from an uploaded file's bytes; True on success."""
        return self._hand_over(lambda: name, lambda name: load_session_bytes(data, name))

    def _hand_over(self, name_of, load):
        """Load the session ``load(name_of())`` and hand it to ``on_loaded``; say where it
        stands ("Loaded s.npz, in iteration 1, after 4 of its 30 computations."), or what
        went wrong. True on success."""
        try:
            name = name_of()
            session = load(name)
            self._on_loaded(*session)
        except (FluxError, OSError) as error:
            self._warn(error)
            return False
        self.show_configuration()
        self._say(f"Loaded {name}, {session.stepper.place}.")
        return True

    def _uploaded(self, change):
        if not change["new"]:
            return
        upload = change["new"][0]
        self.upload.value = ()  # so that the same file can be uploaded again
        self.load_bytes(upload["content"], upload["name"])
