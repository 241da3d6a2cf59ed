"""The panel: build a network, step it, and see every matrix, the diagram and the MSE curve.

``Panel()`` is one widget to display in a notebook cell. It owns one
:class:`~flux_widgets.stepper.Stepper` and composes, each in a module of its own:

- the settings (:mod:`.controls`) and the save / load / share box (:mod:`.keep`);
- the step buttons, the narration, the keys and the presentation mode (here);
- predict mode (:mod:`.predicting`), the questions the network's state raises
  (:mod:`.hints`) and the broken networks to explain (:mod:`flux_widgets.presets`);
- the training row, which trains in chunks without freezing the page (:mod:`.training`);
- the views, in ``panel.views`` (:mod:`.view`): matrix tables (:mod:`.tables`), the
  network diagram (:mod:`.diagram`), the cost chart (:mod:`.charts`), the output map
  (:mod:`.output_map`), the inspector of a clicked edge or neuron (:mod:`.inspector`)
  and the export box for slides and handouts (:mod:`.exporting`).

Every button asks the stepper for a step and then tells each view what changed. The
panel computes no math of its own. Forming, loading or pasting a network shows it in
the same views; nothing on the page is rebuilt. A network formed in code, its weights
perhaps set by hand, is shown with ``Panel(network=net)`` or :meth:`Panel.show_network`.
Re-running the cell that made a panel closes the old one (:meth:`Panel.close`,
:mod:`.closing`): its training stops and its widgets close.

For instructors: keyboard shortcuts (see ``KEYS``) work whenever the panel has keyboard
focus (a click anywhere in it, or Tab; :mod:`.frontend` takes them there, so they never
reach JupyterLab's own shortcuts and never take a key typed into a field), and a
presentation mode shows large type and diagram and hides the settings.
"""

from __future__ import annotations

import copy
import html

import ipywidgets as widgets
import numpy as np

from .. import palette
from ..datasets import load_dataset
from ..checks import learning_rate as check_learning_rate
from ..checks import parse_batch_size, parse_shuffle_seed
from ..errors import ConfigurationError, FluxError
from ..network import Form_Network, check_network, check_network_memory
from ..stepper import STEPPER_COPIES, Stepper
from . import diagram as diagram_module
from ..predict import check_answer
from ..presets import PRESETS, preset
from .charts import CostChart
from .closing import close_widgets, replace_the_panels_of_an_earlier_run
from .controls import NETWORK_CHOICE, Controls, parse_learning_rate
from .diagram import NetworkDiagram
from .exporting import Exports
from .frontend import PanelKeys
from .hints import Hints, preset_question
from .inspector import Inspector
from .just_computed import JustComputed
from .keep import KeepAndShare
from .output_map import OutputMapView
from .predicting import Predicting
from .tables import MatrixTables
from .training import Training
from .view import Change

__all__ = ["Panel"]

_GRANULARITIES = [("computation", "computation"), ("layer", "layer"), ("pass", "phase"),
                  ("iteration", "iteration")]
# width, height: up to 900 x 520 px, less on a small screen (a laptop's 1366 x 768 keeps the
# step buttons, the narration and the whole diagram in view)
PRESENTATION_DIAGRAM = ("min(900px, 62vw)", "min(520px, calc(100vh - 340px))")
CHART_SIZE, BESIDE_WIDTH = ("400px", "260px", "ordinary"), "460px"  # the chart; its column
PRESENTATION_CHART = ("min(720px, 45vw)", "min(420px, calc(100vh - 300px))", "large")
PANEL_COPIES = STEPPER_COPIES  # the network, as formed (Reset), one step back
KEYS = {  # the key, as the browser names it -> (the panel's method, its argument)
    "ArrowRight": ("step_at_chosen_size", None), "PageDown": ("step_at_chosen_size", None),
    " ": ("step_at_chosen_size", None), "ArrowLeft": ("undo", None), "PageUp": ("undo", None),
    "i": ("step", "iteration"), "f": ("run_pass", "forward"), "b": ("run_pass", "backward"),
    "1": ("set_granularity", "computation"), "2": ("set_granularity", "layer"),
    "3": ("set_granularity", "phase"), "4": ("set_granularity", "iteration"),
    "r": ("reset", None), "p": ("toggle_presenting", None), "Escape": ("stop", None),
}
KEY_HINT = ("Keys, while the panel has focus (click it, or Tab to it): → or PageDown or Space "
            "step · ← or PageUp step back · i whole iteration · f / b forward / backward pass · "
            "1–4 step size · r reset · p presentation mode · Esc stop training")
_STYLE = f"""<style>
.flux-panel .widget-hbox {{flex-wrap:wrap}}
.flux-panel .jupyter-widgets.jupyter-button {{width:auto; padding:0 12px}}
.flux-narration {{font-size:14px; padding:3px 8px; border-left:4px solid {palette.WRITTEN}}}
.flux-presenting .flux-narration {{font-size:clamp(18px, 1.6vw, 26px); line-height:1.35; padding:8px 14px;
                                  border-left:8px solid {palette.ACTIVE};
                                  background:var(--jp-layout-color2, #fffbea)}}
.flux-presenting .flux-tables, .flux-presenting .flux-matrix h4 {{font-size:clamp(14px, 1.2vw, 20px)}}
.flux-presenting .flux-chart .axis text {{font-size:16px !important}}
.flux-presenting .flux-just-computed, .flux-presenting .flux-jc table,
.flux-presenting .flux-jc caption, .flux-presenting .flux-jc-op {{font-size:18px}}
.flux-presenting .jupyter-button {{font-size:18px; height:42px; width:auto !important;
                                  padding:0 14px}}
.flux-key-hint {{color:{palette.MUTED}; font-size:11px}}
</style>"""


def _check_panel_memory(layers, data_shape):
    """Refuse, before anything is allocated, a network whose copies the panel keeps would
    need more memory than the kit's limit (:func:`~flux_widgets.checks.memory_limit`).

    The panel keeps :data:`PANEL_COPIES` of the network's matrices: the network, the network
    as formed (Reset) and at least one earlier step (Step back)."""
    samples, inputs = data_shape
    check_network_memory([inputs, *layers], samples, copies=PANEL_COPIES,
                         kept=f"the panel keeps {PANEL_COPIES} copies of it (the network, the "
                              "network as formed for Reset, the last step for Step back)")


GIVEN_NOT_KEPT = (
    "this network was given in code (Panel(network=…) or show_network), and its weights may "
    "have been set by hand: a configuration string, and a saved session, describe only a "
    "network formed from a bundled dataset and a seed, so this one cannot be shared or saved "
    "here. In a code cell, save_network(panel.network, 'my_network.npz') keeps it (and "
    "load_network reads it back)")
GIVEN_DATA_NOT_KEPT = (
    "this network was formed on the data of a network given in code, not on a bundled "
    "dataset: a configuration string, and a saved session, describe only a network formed "
    "from a bundled dataset, so this one cannot be shared or saved here. In a code cell, "
    "save_network(panel.network, 'my_network.npz') keeps it")


def _given_network(network, learning_rate, caller):
    """Check a network given in code and copy it: ``(copy, learning rate)``.

    ConfigurationError, with a message for the learner, for something that is no network
    of Form_Network's, a bad learning rate, a network too large for the panel's copies
    (:func:`_check_panel_memory`) or one holding inf or nan."""
    check_network(caller, network)
    learning_rate = (parse_learning_rate(learning_rate) if isinstance(learning_rate, str)
                     else check_learning_rate(learning_rate))
    _check_panel_memory(network.layers_vector[1:], network.inputMatrix.shape)
    for number, layer in enumerate(network.neural_layers, start=1):
        for name, matrix in layer.matrices.items():
            if not np.isfinite(matrix).all():
                raise ConfigurationError(
                    f"the network holds inf or nan in layer {number}'s {name}, and the panel "
                    "shows only a network of finite numbers: set finite values there (or "
                    "form the network again), then show it")
    return copy.deepcopy(network), learning_rate


class Panel(widgets.VBox):
    """Controls, step buttons, narration, and the views: tables, diagram, chart, output map,
    inspector.

    The arguments are the starting settings (the seed's parity network by default).
    ``network``: a network formed in code (``Form_Network``, its weights perhaps set by
    hand) to show instead, stepped with ``learning_rate`` (see :meth:`show_network`; the
    other settings then come from it). ``panel.network`` and ``panel.stepper`` are the
    engine objects on screen. The views
    are in ``panel.views`` (see :mod:`flux_widgets.widgets.view`): each is told when a
    network replaces the one on screen and when a step changes it.
    """

    def __init__(self, dataset="parity4", layers="8, 4, 1", hidden="leaky_relu",
                 output="sigmoid", learning_rate=1.0, seed=0, predict_seed=0, init_scale=1.0,
                 network=None, cost="mse", batch_size=None, shuffle_seed=0):
        super().__init__()
        # what close() needs, set first: a panel whose constructor raises is closed too
        self.controls = self.keep = self.training = self._keys = None
        self.network = self.stepper = self.settings = self._given = None
        self.views, self._parts = [], []
        try:
            self._build(dataset, layers, hidden, output, learning_rate, seed, predict_seed,
                        init_scale, network, cost, batch_size, shuffle_seed)
        except BaseException:
            self.close()
            raise
        replace_the_panels_of_an_earlier_run(self)

    def _build(self, dataset, layers, hidden, output, learning_rate, seed, predict_seed,
               init_scale, network, cost, batch_size, shuffle_seed):
        if network is not None:  # checked (and copied) before any widget is made
            given = _given_network(network, learning_rate, "Panel(network=...)")
            learning_rate = given[1]
        self.add_class("flux-panel")  # rows wrap and buttons fit their labels (see _STYLE)
        self.controls = Controls(layers, hidden, output, learning_rate, dataset, seed, init_scale,
                                 cost, batch_size, shuffle_seed)
        self.narration = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.narration.add_class("flux-narration")
        self.present = widgets.ToggleButton(description="Present", icon="desktop",
                                            tooltip="Presentation mode: large type and diagram, "
                                                    "fewer controls (key p)")
        self.key_hint = widgets.HTML(f"<span class='flux-key-hint'>{KEY_HINT}</span>")
        self.broken = widgets.Dropdown(
            options=[("choose one…", ""), *((p.label, name) for name, p in PRESETS.items())],
            value="", description="Broken network", style={"description_width": "initial"},
            tooltip="Form a broken network to explain: it asks a question first")
        self.granularity = widgets.ToggleButtons(options=_GRANULARITIES, value="computation",
                                                 description="Step size",
                                                 style={"button_width": "118px"})
        button = widgets.Button
        self.step_button = button(description="Step", icon="step-forward", button_style="info",
                                  tooltip="Run the next step at the chosen size")
        self.forward_button = button(description="Forward pass", icon="arrow-right")
        self.backward_button = button(description="Backward pass", icon="arrow-left")
        self.iteration_button = button(description="Whole iteration", icon="redo")
        self.undo_button = button(description="Step back", icon="undo")
        self.reset_button = button(description="Reset", icon="fast-backward")
        self.training = Training(self)
        self.keep = KeepAndShare(get_state=self._state, on_loaded=self._loaded,
                                 on_settings=self._use_settings)
        self._make_views(predict_seed)
        self.setup = widgets.Accordion(children=[self.controls.box, self.keep.box,
                                                 self.exports.widget],
                                       titles=("Network", "Save, load and share",
                                               "Export for slides"),
                                       selected_index=0)
        for button, action, *arguments in (
                (self.controls.form, self.form_network),
                (self.step_button, self.step_at_chosen_size),
                (self.forward_button, self.run_pass, "forward"),
                (self.backward_button, self.run_pass, "backward"),
                (self.iteration_button, self.step, "iteration"),
                (self.undo_button, self.undo), (self.reset_button, self.reset),
                (self.training.train_button, self.start_training),
                (self.training.stop_button, self.stop),
                (self.predicting.answer_button, self.answer),
                (self.predicting.skip_button, self.skip_question)):
            button.on_click(lambda _, action=action, arguments=arguments:
                            self._from_user(action, *arguments))
        self.present.observe(lambda change: self._from_user(self.set_presenting, change["new"]),
                             "value")
        self.predicting.switch.observe(
            lambda change: self._from_user(self.set_predicting, change["new"]), "value")
        self.broken.observe(lambda change: change["new"] and
                            self._from_user(self.load_preset, change["new"]), "value")
        self._layout()
        if network is not None:
            self._show_given(*given)
        elif not self.form_network():  # show the settings and the message, to put them right
            self.children = [self._style, self.setup]

    def _make_views(self, predict_seed=0):
        """The views, each made once for the panel's life; a new view is one more entry."""
        self.predicting = Predicting(self, predict_seed)
        # one question on screen at a time: the Hints line waits while predict mode asks
        self.hints = Hints(waiting=lambda: self.predicting.question is not None)
        self.predicting.asking.layout.observe(lambda _: self.hints.redraw(), "display")
        self.just_computed = JustComputed()
        self.tables = MatrixTables()
        self.diagram = NetworkDiagram()
        self.cost_chart = CostChart(*CHART_SIZE[:2])
        self.output_map = OutputMapView()
        self.inspector = Inspector(self.diagram, self.tables, self)
        self.exports = Exports(self.diagram)
        self.views = [self.predicting, self.hints, self.just_computed, self.tables,
                      self.diagram, self.cost_chart, self.output_map, self.inspector,
                      self.exports]
        # the widgets the lessons press and read, by their names on the panel
        self.chart = self.cost_chart.figure
        self.info, self.weight_value = self.inspector.info, self.inspector.weight_value
        self.set_weight_button = self.inspector.set_weight_button
        self.check_button = self.inspector.check_button
        self.iterations = self.training.iterations
        self.train_button, self.stop_button = self.training.train_button, self.training.stop_button

    def _layout(self):
        """Arrange the parts, once. On a laptop (1366x768) the step buttons, the narration,
        the strip of what was just computed and the diagram fit one screen; the chart, the
        output map and the inspector stand beside the diagram where the width allows."""
        buttons = widgets.HBox([self.step_button, self.forward_button, self.backward_button,
                                self.iteration_button, self.undo_button, self.reset_button])
        self._beside = widgets.VBox([self.cost_chart.widget, self.output_map.widget,
                                     self.inspector.widget],
                                    layout=widgets.Layout(max_width=BESIDE_WIDTH))
        self.stage = widgets.VBox([self.narration, self.hints.widget, self.predicting.widget,
                                   self.just_computed.widget,
                                   widgets.HBox([self.diagram.widget, self._beside],
                                                layout=widgets.Layout(flex_flow="row wrap")),
                                   self.key_hint])
        self._keys = PanelKeys(shortcuts=list(KEYS),
                               label="FLUX panel: step a neural network matrix by matrix. "
                                     + KEY_HINT)
        self._keys.on_key(lambda event: self._from_user(self.handle_key, event))
        self._diagram_tools = widgets.VBox([self.diagram.controls, self.inspector.choosers])
        self._style = widgets.HTML(_STYLE)
        self._parts = [self._style, self._keys, self.setup,
                       widgets.HBox([self.granularity, self.present, self.predicting.switch,
                                     self.hints.switch, self.broken]),
                       buttons, self.stage,
                       self.training.row, self._diagram_tools, self.tables.widget]

    # ---- what the learner does ---------------------------------------------

    def _from_user(self, action, *arguments):
        """Run ``action(*arguments)`` for a click, key or field; show a refusal in the panel.

        The panel's methods raise FluxError when called wrongly from Python; what the
        learner does in the browser is never answered by a traceback."""
        try:
            return action(*arguments)
        except FluxError as error:
            if self.stepper is None:
                self.controls.show_error(error)
            else:
                self.narration.value = f"⚠ {html.escape(str(error), quote=False)}"
            return None

    def _require_network(self):
        if self.stepper is None:
            raise ConfigurationError("there is no network yet: no network is formed until the "
                                     "settings are right (the message under them says what is "
                                     "wrong); then press Form network")

    def _state(self):
        """``(stepper, settings, predictions)`` on screen, for saving and sharing;
        ``predictions`` is predict mode's score ``(right, asked)``."""
        self._require_network()
        if self.settings["dataset"] == NETWORK_CHOICE:
            raise ConfigurationError(GIVEN_NOT_KEPT if self.stepper is self._given
                                     else GIVEN_DATA_NOT_KEPT)
        stepper = self.stepper   # the settings it may have changed since forming: its own
        settings = dict(self.settings, learning_rate=stepper.learning_rate,
                        batch_size=stepper.batch_size, shuffle_seed=stepper.shuffle_seed)
        return stepper, settings, (self.predicting.right, self.predicting.asked)

    # ---- forming ---------------------------------------------------------

    def form_network(self):
        """Form a network from the controls; on a bad value, say so and keep the old one."""
        try:
            self._form(self.controls.values(), self.controls.dataset())
        except FluxError as error:
            self.controls.show_error(error)
            return False
        return True

    def _form(self, settings, data):
        """Form ``settings``' network on ``data`` and show it; FluxError leaves all as it was."""
        _check_panel_memory(settings["layers"], data.inputs.shape)
        network = Form_Network(settings["layers"], data.inputs, data.targets,
                               settings["hidden"], settings["output"], seed=settings["seed"],
                               init_scale=settings.get("init_scale", 1.0),
                               cost=settings.get("cost", "mse"))
        stepper = Stepper(network, settings["learning_rate"],
                          batch_size=settings.get("batch_size"),
                          shuffle_seed=settings.get("shuffle_seed", 0))
        self.controls.clear_error()
        self._show(stepper, settings, f"Formed {network.describe()} on {data.description} "
                                      "Press <b>Step</b> to compute the first matrix.")

    def show_network(self, network, learning_rate=None):
        """Show ``network``, formed in code (``Form_Network``, its weights and biases perhaps
        set by hand), and step it with ``learning_rate`` (``None``: the one typed in the
        settings). Returns the panel's network.

        The panel steps an exact copy (``copy.deepcopy``), so ``network`` itself is never
        changed; ``panel.network`` is the copy on screen, and every step gives the very
        numbers ``Forward_Pass``, ``Back_Propagation`` and ``Update_Parameters`` give on
        ``network``. Reset comes back to ``network`` as it was when given; Step back works
        as for any network. The settings show its layers, activations, seed (empty if not
        known), weight scale and learning rate, and the dataset "Your network's data (given
        in code)": Form network forms a new network from the settings on its samples and
        targets. It cannot be shared as a configuration string or saved as a session (the
        Save, load and share box says so); ``save_network(panel.network, path)`` keeps it.

        Raises ConfigurationError, and the network on screen stays, for something that is
        not a network made by Form_Network, a bad learning rate, a network too large for
        the panel's copies or one holding inf or nan, and while training runs.
        """
        if self.training.running:
            raise ConfigurationError("stop the training first (Esc), then show another network")
        if learning_rate is None:
            learning_rate = self.controls.learning_rate.value
        self._show_given(*_given_network(network, learning_rate, "show_network"))
        return self.network

    def _show_given(self, network, learning_rate):
        """Show ``network`` (checked and copied by :func:`_given_network`), its settings in
        the fields."""
        kinds = network.hidden_activations
        settings = {"layers": list(network.layers_vector[1:]),
                    "hidden": (self.controls.hidden.value if not kinds else kinds[0]
                               if len(set(kinds)) == 1 else list(kinds)),
                    "output": network.output_activation, "learning_rate": learning_rate,
                    "dataset": NETWORK_CHOICE, "seed": network.seed,
                    "init_scale": network.init_scale, "cost": network.cost_type,
                    "batch_size": None, "shuffle_seed": 0}
        stepper = Stepper(network, learning_rate)
        self.controls.use_network_data(network)
        self.controls.set_values(settings)
        self.controls.clear_error()
        self._given = stepper
        self._show(stepper, settings,
                   f"Showing the network given in code: {network.describe()}, with its weights "
                   "and biases as they were given (Reset comes back to them). Press "
                   "<b>Step</b> to compute the first matrix.")

    def _show(self, stepper, settings, narration):
        """Put ``stepper``'s network on screen, formed from ``settings``; say ``narration``.

        Every view draws the new network in its own widget (see ``view.View``), so
        nothing on the page is rebuilt."""
        self.controls.show_inputs(stepper.network.layers_vector[0])
        self.network, self.stepper, self.settings = stepper.network, stepper, settings
        for view in self.views:
            view.network_replaced(stepper)
        if self.children != tuple(self._parts):
            self.children = self._parts
            self.set_presenting(self.present.value)
        self.training.clear()
        self.narration.value = narration
        self._enable_step_back()
        self.keep.show_configuration()

    def _loaded(self, stepper, settings, predictions=(0, 0)):
        """A session loaded by the Save / load box: show it, with its settings in the fields
        and its prediction score ``(right, asked)``."""
        self.controls.set_values(settings)
        step = stepper.next_computation
        self._show(stepper, settings, f"Loaded {stepper.network.describe()}, {stepper.place}; "
                                      f"the next step computes {step}.")
        self.predicting.set_score(*predictions)

    def _use_settings(self, settings):
        """A pasted configuration string: form its network, then show its settings in the
        fields (a string refused leaves the fields, and the network, as they were)."""
        self._form(settings, load_dataset(settings["dataset"]))
        self.controls.set_values(settings)

    def load_preset(self, name):
        """Form the broken network ``name`` (a key of :data:`flux_widgets.presets.PRESETS`),
        show its settings and pose its question (answered by **Show answer**)."""
        try:
            chosen = preset(name)
            if self.training.running:
                raise ConfigurationError("stop the training first (Esc), then choose a "
                                         "broken network")
            self._use_settings(chosen.settings)
        finally:
            self.broken.value = ""  # ready to choose again, whatever happened
        self.narration.value += f" Broken network: {html.escape(chosen.label)}."
        self.hints.pose(preset_question(name, chosen))

    def set_hints(self, on):
        """The questions the network's state raises (:mod:`.hints`) on or off."""
        self.hints.set_on(on)

    def _changed(self, written, step=None):
        """Tell every view that the network on screen changed (``written``: what a step or
        a set weight wrote, ``None`` when anything may have changed)."""
        change = Change(self.stepper, None if written is None else tuple(written), step)
        for view in self.views:
            view.step_happened(change)
        self._enable_step_back()

    def _enable_step_back(self):
        """Step back is offered when the stepper has something to undo and no training runs."""
        self.undo_button.disabled = self.training.running or not self.stepper.can_undo

    # ---- for instructors ---------------------------------------------------

    def handle_key(self, event):
        """A key pressed while the panel has focus (``{"key": …}`` from the front end, see
        :class:`~flux_widgets.widgets.frontend.PanelKeys`); see ``KEYS``."""
        if event.get("repeat") or any(event.get(m) for m in ("ctrlKey", "metaKey", "altKey")):
            return None
        action = KEYS.get(event.get("key"))
        if action is None:
            return None
        method, argument = action
        return getattr(self, method)() if argument is None else getattr(self, method)(argument)

    def step_at_chosen_size(self):
        return self.step(self.granularity.value)

    def set_granularity(self, granularity):
        self.granularity.value = granularity

    def toggle_presenting(self):
        self._require_network()
        self.set_presenting(not self.present.value)

    def set_presenting(self, presenting):
        """Presentation mode: large type, a large diagram, the narration prominent, and no
        settings, training or weight tools on screen. Off: the panel as it was."""
        self._require_network()
        self.present.value = presenting
        hidden = "none" if presenting else None
        for part in (self.setup, self.training.row, self._diagram_tools, self.key_hint):
            part.layout.display = hidden
        (self.add_class if presenting else self.remove_class)("flux-presenting")
        self.diagram.resize(*(PRESENTATION_DIAGRAM if presenting
                              else (diagram_module.WIDTH, diagram_module.HEIGHT)))
        self.cost_chart.resize(*(PRESENTATION_CHART if presenting else CHART_SIZE))
        self._beside.layout.max_width = None if presenting else BESIDE_WIDTH

    # ---- stepping --------------------------------------------------------

    def _take_settings(self):
        """Take the typed learning rate, batch size and shuffle seed (the settings a formed
        network can change; the batch settings are read when an iteration begins).
        False, and the message under the settings, if one is refused."""
        stepper, controls = self.stepper, self.controls
        before = (stepper.learning_rate, stepper.batch_size, stepper.shuffle_seed)
        try:   # all parsed and checked before any is taken
            rate = parse_learning_rate(controls.learning_rate.value)
            size = parse_batch_size(controls.batch_size.value)
            shuffle = parse_shuffle_seed(controls.shuffle_seed.value)
            stepper.batch_size = size   # checked against the number of samples
            stepper.learning_rate, stepper.shuffle_seed = rate, shuffle
        except FluxError as error:
            controls.show_error(error)
            return False
        controls.clear_error()
        if (stepper.learning_rate, stepper.batch_size, stepper.shuffle_seed) != before:
            self.keep.show_configuration()   # the string to share gives the new settings
        if self.predicting.question is not None and not stepper.position \
                and stepper.takes_samples:   # its step now takes new samples first:
            self.predicting.withdraw()       # the question is about rows not held then
        return True

    def step(self, granularity):
        """Run one step of the stepper and redraw; returns the Step (or None if refused).

        In predict mode a step of one computation or layer first asks a question and
        returns None; :meth:`answer` (or :meth:`skip_question`) then runs it."""
        self._require_network()
        if self.training.running or not self._take_settings():
            return None
        predicting = self.predicting
        if predicting.wants_to_ask(granularity):
            if predicting.question is not None:
                self.narration.value = ("Predict mode: answer the question under this line "
                                        "first (or Skip it); the step runs when you do.")
                return None
            if predicting.ask(self.stepper, granularity) is not None:
                self.narration.value = ("Predict first: answer the question under this line; "
                                        "the step runs when you do.")
                return None
        else:
            predicting.withdraw()
        return self._run_step(granularity)

    def set_predicting(self, on):
        """Predict mode on or off (see :mod:`flux_widgets.widgets.predicting`)."""
        self._require_network()
        self.predicting.set_on(on)

    def answer(self, answer=None):
        """Answer the question waiting: ``answer`` (a choice, a number, or ``(row, column)``;
        the one on screen if ``None``). Runs the step it asked about, grades the answer and
        returns the :class:`~flux_widgets.predict.Verdict` (None if the step is refused)."""
        self._require_network()
        question = self.predicting.question
        if question is None:
            raise ConfigurationError("no question is waiting: switch Predict on and press Step")
        if self.training.running or not self._take_settings():
            return None
        if self.predicting.question is None:   # withdrawn: the batch size changed
            self.narration.value = ("The batch size changed, so this step takes new samples "
                                    "first and the question no longer applies: press Step.")
            return None
        answer = check_answer(question, self.predicting.chosen_answer()
                              if answer is None else answer, self.network)
        self._run_step(self.predicting.granularity())
        return self.predicting.reveal(answer)

    def skip_question(self):
        """Run the step the waiting question is about, without answering it."""
        self._require_network()
        granularity = self.predicting.granularity()
        if granularity is None:
            raise ConfigurationError("no question is waiting to skip")
        if self.training.running or not self._take_settings():
            return None
        self.predicting.withdraw()
        return self._run_step(granularity)

    def _run_step(self, granularity):
        step = self.stepper.step(granularity)
        self.narration.value = step.narration
        self._changed(step.written, step)
        return step

    def run_pass(self, phase):
        """Run the rest of the forward or backward pass (``phase``)."""
        self._require_network()
        upcoming = self.stepper.next_computation.phase
        if upcoming != phase:
            self.narration.value = (f"The next computation belongs to the {upcoming} step; "
                                    f"run it first (or step back) to reach the {phase} pass.")
            return None
        return self.step("phase")

    def undo(self):
        """Step back one step exactly (a step, a training, a set weight, a reset)."""
        self._require_network()
        if not self.training.running and self.stepper.undo():
            self.narration.value = "Stepped back. " + (self.stepper.last_step.narration
                                                       if self.stepper.last_step else "")
            if not np.isfinite(self.network.state).all():
                self.narration.value += (" ⚠ The network still holds inf or nan here (a step "
                                         "diverged): step back further.")
            self._changed(None)
            if self.predicting.question is not None:
                self.narration.value += " Predict: the question of this step again."

    def reset(self):
        """Go back to the network as it was formed (Step back undoes this)."""
        self._require_network()
        if not self.training.running:
            self.stepper.reset()
            self.training.clear()
            self.narration.value = "Back to the network as it was formed (Step back undoes this)."
            self._changed(None)

    # ---- training (see training.Training) --------------------------------

    def train(self, iterations):
        """Train ``iterations`` at once (no event loop needed); returns the narration."""
        self._require_network()
        self.predicting.withdraw()
        return self.training.train(iterations)

    def start_training(self):
        """Train the typed number of iterations in chunks, without freezing the page."""
        self._require_network()
        self.predicting.withdraw()
        return self.training.start()

    def stop(self):
        """Ask a running training to stop after its current chunk."""
        self.training.stop()

    def _set_busy(self, busy):
        """While training, no step, reset or forming (the training row has its own buttons)."""
        for control in (self.step_button, self.forward_button, self.backward_button,
                        self.iteration_button, self.undo_button, self.reset_button,
                        self.controls.form):
            control.disabled = busy

    # ---- the inspector (see inspector.Inspector) ----------------------------

    def show_edge(self, layer, row, column):
        """Explain weight ``weights_matrix[row, column]`` of ``layer`` (as a click on its edge)."""
        return self.inspector.show_edge(layer, row, column)

    def show_neuron(self, column, neuron):
        """Outline neuron ``neuron`` of diagram column ``column`` (as a click on it)."""
        return self.inspector.show_neuron(column, neuron)

    def set_selected_weight(self, value):
        """Set the clicked weight to ``value`` (as its field and the Set button)."""
        return self.inspector.set_selected_weight(value)

    def check_selected_weight(self):
        """Compare the clicked weight's gradient with a finite difference (as its button)."""
        return self.inspector.check_selected_weight()

    @property
    def selected_edge(self):
        return self.inspector.selected_edge

    # ---- exports for slides and handouts (see exporting.Exports) -----------

    def export_diagram_svg(self, path=None):
        """The diagram as drawn, as SVG text; also written to ``path`` if one is given."""
        return self.exports.diagram_svg(path)

    def export_chart_svg(self, path=None):
        """The cost chart as SVG text; also written to ``path`` if one is given."""
        return self.exports.chart_svg(path)

    def export_matrix_latex(self, layer, name, path=None, figures=4, **window):
        """Matrix ``name`` of ``layer`` as LaTeX (``figures`` significant figures; ``window``:
        ``max_rows``, ``max_columns``); also written to ``path`` if one is given."""
        return self.exports.matrix_latex(layer, name, path, figures, **window)

    def export_matrix_csv(self, layer, name, path=None):
        """Matrix ``name`` of ``layer`` as CSV, every number in full; also written to
        ``path`` if one is given."""
        return self.exports.matrix_csv(layer, name, path)

    def export_formula_latex(self, path=None):
        """The last step's formulas as LaTeX; also written to ``path`` if one is given."""
        return self.exports.formula_latex(path)

    # ---- display and closing ---------------------------------------------

    def close(self):
        """Stop any training and close every widget of the panel (its views go blank).

        Called for the panel an earlier run of the same notebook cell made, when
        the cell makes a new one (see ``closing.replace_the_panels_of_an_earlier_run``)."""
        if self.training is not None:
            self.training.cancel()
        made = [value for value in vars(self).values() if isinstance(value, widgets.Widget)]
        for view in self.views:
            view.close()
        parts = [self.controls and self.controls.box, self.keep and self.keep.box,
                 self.training and self.training.row, *self._parts]
        close_widgets([self, *made, *parts])
