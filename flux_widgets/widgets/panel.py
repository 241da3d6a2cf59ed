"""The panel: build a network, step it, and see every matrix, the diagram and the MSE curve.

``Panel()`` is one widget to display in a notebook cell. It owns one
:class:`~flux_widgets.stepper.Stepper`; every button asks the stepper for a
step and then redraws the views that observe the network (tables, diagram,
chart, narration). The panel computes no math of its own.

Re-running the cell that made a panel closes the old one (:meth:`Panel.close`): its
training stops and its widgets close, so a notebook run over and over keeps one
panel per cell alive, not one per run. Forming another network closes the views of
the one before.

For instructors: keyboard shortcuts (see ``KEYS``) work while the mouse is
over the stage (the narration, the diagram and the chart; ipyevents takes the
keys there, so they never reach JupyterLab's own shortcuts), and a
presentation mode shows large type and diagram and hides the settings.
"""

from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets
import numpy as np
from ipyevents import Event

from ..datasets import load_dataset
from ..derivation import finite_difference
from ..errors import ConfigurationError, FluxError, NonFiniteError
from ..layer import PARAMETER_NAMES
from ..checks import is_whole_number, number_text
from ..network import Form_Network, check_network_memory
from ..stepper import STEPPER_COPIES, Stepper
from .charts import mse_figure, update_mse_figure
from .closing import close_widgets
from .controls import Controls, parse_iterations, parse_learning_rate
from . import diagram as diagram_module
from .diagram import NetworkDiagram
from .keep import KeepAndShare
from .output_map import OutputMap
from .tables import MatrixTables

__all__ = ["Panel"]

_GRANULARITIES = [("computation", "computation"), ("layer", "layer"), ("pass", "phase"),
                  ("iteration", "iteration")]
TRAIN_CHUNK_SECONDS = 0.05
DIAGRAM_FIT_DELAYS = (0.5, 1.5, 4.0)  # seconds after display: the browser has drawn the view
PRESENTATION_DIAGRAM = (900, 520)  # width, height in pixels
PANEL_COPIES = STEPPER_COPIES  # the network, as formed (Reset), one step back
OUTPUT_MAP_RESOLUTION = 25  # grid points per axis: 625 cells, redrawn on every weight update
KEYS = {  # the key, as the browser names it -> (the panel's method, its argument)
    "ArrowRight": ("step_at_chosen_size", None), "PageDown": ("step_at_chosen_size", None),
    " ": ("step_at_chosen_size", None), "ArrowLeft": ("undo", None), "PageUp": ("undo", None),
    "i": ("step", "iteration"), "f": ("run_pass", "forward"), "b": ("run_pass", "backward"),
    "1": ("set_granularity", "computation"), "2": ("set_granularity", "layer"),
    "3": ("set_granularity", "phase"), "4": ("set_granularity", "iteration"),
    "r": ("reset", None), "p": ("toggle_presenting", None), "Escape": ("stop", None),
}
KEY_HINT = ("Keys, with the mouse over the diagram: → or PageDown or Space step · ← or PageUp "
            "step back · i whole iteration · f / b forward / backward pass · 1–4 step size · "
            "r reset · p presentation mode · Esc stop training")
_STYLE = """<style>
.flux-panel .widget-hbox {flex-wrap:wrap}
.flux-panel .jupyter-widgets.jupyter-button {width:auto; padding:0 12px}
.flux-narration {font-size:14px; padding:3px 8px; border-left:4px solid #bee3f8}
.flux-presenting .flux-narration {font-size:26px; line-height:1.35; padding:8px 14px;
                                  border-left:8px solid #d69e2e; background:#fffbea}
.flux-presenting .flux-tables, .flux-presenting .flux-matrix h4 {font-size:16px}
.flux-presenting .jupyter-button {font-size:18px; height:42px; width:auto !important;
                                  padding:0 14px}
.flux-key-hint {color:#718096; font-size:11px}
</style>"""


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


def _replace_the_panels_of_an_earlier_run(panel):
    """Close the panels an earlier run of the running cell made (their output is gone):
    their training stops and their widgets close, so nothing of them keeps running."""
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


def _check_panel_memory(layers, data_shape):
    """Refuse, before anything is allocated, a network whose copies the panel keeps would
    need more memory than the kit's limit (:func:`~flux_widgets.checks.memory_limit`).

    The panel keeps :data:`PANEL_COPIES` of the network's matrices: the network, the network
    as formed (Reset) and at least one earlier step (Step back)."""
    samples, inputs = data_shape
    check_network_memory([inputs, *layers], samples, copies=PANEL_COPIES,
                         kept=f"the panel keeps {PANEL_COPIES} copies of it (the network, the "
                              "network as formed for Reset, the last step for Step back)")


def _class_labels(network):
    """The class of every sample, from the targets (N x 1: 0 or 1; N x k one-hot: argmax)."""
    targets = network.outputMatrix
    return (targets[:, 0] > 0.5).astype(int) if targets.shape[1] == 1 else targets.argmax(1)


class Panel(widgets.VBox):
    """Controls, step buttons, narration, matrix tables, network diagram and MSE chart.

    The arguments are the starting settings (the seed's parity network by
    default). ``panel.network`` and ``panel.stepper`` are the engine objects
    on screen.
    """

    def __init__(self, dataset="parity4", layers="8, 4, 1", hidden="leaky_relu",
                 output="sigmoid", learning_rate=1.0, seed=0):
        super().__init__()
        # what close() needs, set first: a panel whose constructor raises is closed too
        self._training = self._keys = self.controls = self.keep = None
        self.network = self.stepper = self.tables = self.diagram = None
        self.output_map = None  # the output over the input plane, for 2-input networks
        try:
            self._build(dataset, layers, hidden, output, learning_rate, seed)
        except BaseException:
            self.close()
            raise
        _replace_the_panels_of_an_earlier_run(self)

    def _build(self, dataset, layers, hidden, output, learning_rate, seed):
        self.add_class("flux-panel")  # rows wrap and buttons fit their labels (see _STYLE)
        self.controls = Controls(layers, hidden, output, learning_rate, dataset, seed)
        self.narration = widgets.HTML(layout=widgets.Layout(min_height="24px"))
        self.narration.add_class("flux-narration")
        self.present = widgets.ToggleButton(description="Present", icon="desktop",
                                            tooltip="Presentation mode: large type and diagram, "
                                                    "fewer controls (key p)")
        self.key_hint = widgets.HTML(f"<span class='flux-key-hint'>{KEY_HINT}</span>")
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
        self.iterations = widgets.Text(value="200", description="Train",
                                       layout=widgets.Layout(width="150px"))
        self.train_button = button(description="Train", icon="play", button_style="success")
        self.stop_button = button(description="Stop", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=1,
                                            layout=widgets.Layout(width="200px"))
        self.quantity = widgets.ToggleButtons(options=[("weights", "weights"),
                                                       ("dC/dw", "gradients")],
                                              value="weights", description="Edges show",
                                              style={"button_width": "80px"})
        self.sample = widgets.BoundedIntText(value=0, min=0, max=0, description="sample",
                                             layout=widgets.Layout(width="150px"))
        self.info = widgets.HTML()
        self.weight_value = widgets.FloatText(description="set weight",
                                              layout=widgets.Layout(width="200px"))
        self.set_weight_button = widgets.Button(description="Set", icon="pencil")
        self.check_button = widgets.Button(description="Finite-difference check", icon="check")
        self.edge_tools = widgets.HBox([self.weight_value, self.set_weight_button,
                                        self.check_button],
                                       layout=widgets.Layout(display="none"))
        self.selected_edge = None
        self.chart = mse_figure([], [])
        with self.chart.layout.hold_sync():  # its own layout (a new one would orphan it)
            self.chart.layout.width, self.chart.layout.height = "400px", "260px"
        self._stop_requested = False
        self.settings = None  # the settings the network on screen was formed with
        self.keep = KeepAndShare(get_state=self._state, on_loaded=self._loaded,
                                 on_settings=self._use_settings)
        self.setup = widgets.Accordion(children=[self.controls.box, self.keep.box],
                                       titles=("Network", "Save, load and share"),
                                       selected_index=0)

        for button, action, *arguments in (
                (self.controls.form, self.form_network),
                (self.step_button, self.step_at_chosen_size),
                (self.forward_button, self.run_pass, "forward"),
                (self.backward_button, self.run_pass, "backward"),
                (self.iteration_button, self.step, "iteration"),
                (self.undo_button, self.undo), (self.reset_button, self.reset),
                (self.train_button, self.start_training), (self.stop_button, self.stop),
                (self.check_button, self.check_selected_weight)):
            button.on_click(lambda _, action=action, arguments=arguments:
                            self._from_user(action, *arguments))
        self.set_weight_button.on_click(
            lambda _: self._from_user(self.set_selected_weight, self.weight_value.value))
        self.present.observe(lambda change: self._from_user(self.set_presenting, change["new"]),
                             "value")
        self.quantity.observe(lambda _: self._restyle(), "value")
        self.sample.observe(lambda _: self._restyle(), "value")
        if not self.form_network():  # show the settings and the message, to put them right
            self.children = [widgets.HTML(_STYLE), self.setup]

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
        """``(stepper, settings)`` on screen, for saving and sharing."""
        self._require_network()
        return self.stepper, self.settings

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
                               settings["hidden"], settings["output"], seed=settings["seed"])
        stepper = Stepper(network, settings["learning_rate"])
        self.controls.clear_error()
        self._show(stepper, settings, f"Formed {network.describe()} on {data.description} "
                                      "Press <b>Step</b> to compute the first matrix.")

    def _show(self, stepper, settings, narration):
        """Put ``stepper``'s network on screen, formed from ``settings``; say ``narration``.

        The views of the network shown before (tables, diagram, output map and the
        boxes around them) are closed once the new ones are in place."""
        shown_before = [*self.children, self._keys]
        network = stepper.network
        self.controls.show_inputs(network.layers_vector[0])
        self.network, self.stepper, self.settings = network, stepper, settings
        self.selected_edge = None  # an edge of the network before is no edge of this one
        self.info.value = ""
        self.edge_tools.layout.display = "none"
        self.tables = MatrixTables(network)
        self.diagram = NetworkDiagram(network, quantity=self.quantity.value)
        self.diagram.on_edge_click(lambda *edge: self._from_user(self.show_edge, *edge))
        self.diagram.on_node_click(lambda *neuron: self._from_user(self.show_neuron, *neuron))
        self.output_map = OutputMap(network, network.inputMatrix, _class_labels(network),
                                    resolution=OUTPUT_MAP_RESOLUTION) \
            if network.layers_vector[0] == 2 else None
        self.sample.max = network.sample_size - 1
        self.sample.value = 0
        self._layout()
        close_widgets(shown_before, keep=[*self.children, self._keys])
        self._fit_soon()
        self.narration.value = narration
        self._refresh(())
        self.keep.show_configuration()

    def _loaded(self, stepper, settings):
        """A session loaded by the Save / load box: show it, with its settings in the fields."""
        self.controls.set_values(settings)
        step = stepper.next_computation
        self._show(stepper, settings, f"Loaded {stepper.network.describe()} at iteration "
                                      f"{stepper.network.iteration}; the next step computes "
                                      f"{step}.")

    def _use_settings(self, settings):
        """A pasted configuration string: form its network, then show its settings in the
        fields (a string refused leaves the fields, and the network, as they were)."""
        self._form(settings, load_dataset(settings["dataset"]))
        self.controls.set_values(settings)

    def _layout(self):
        """Arrange the parts; the stage (narration, diagram, chart) takes the keys."""
        buttons = widgets.HBox([self.step_button, self.forward_button, self.backward_button,
                                self.iteration_button, self.undo_button, self.reset_button])
        self._training_row = widgets.HBox([self.iterations, self.train_button, self.stop_button,
                                           self.progress])
        self.stage = widgets.VBox([self.narration,
                                   widgets.HBox([self.diagram.widget, widgets.VBox(
                                       [self.chart] + ([self.output_map.figure]
                                                       if self.output_map else []))],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                                   self.key_hint])
        self._keys = Event(source=self.stage, watched_events=["keydown"])
        self._keys.on_dom_event(lambda event: self._from_user(self.handle_key, event))
        note = f"<i>{self.diagram.summary_note}</i>" if self.diagram.summary_note else ""
        self._diagram_tools = widgets.VBox([widgets.HBox([self.quantity, self.sample]),
                                            widgets.HTML(note), self.info, self.edge_tools])
        self.children = [widgets.HTML(_STYLE), self.setup,
                         widgets.HBox([self.granularity, self.present]), buttons,
                         self._training_row, self.stage, self._diagram_tools, self.tables.box]
        self.set_presenting(self.present.value)

    # ---- for instructors ---------------------------------------------------

    def handle_key(self, event):
        """A key pressed over the stage (ipyevents' ``keydown`` event dict); see ``KEYS``."""
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
        for part in (self.setup, self._training_row, self._diagram_tools, self.key_hint):
            part.layout.display = hidden
        (self.add_class if presenting else self.remove_class)("flux-presenting")
        self.diagram.resize(*(PRESENTATION_DIAGRAM if presenting
                              else (diagram_module.WIDTH, diagram_module.HEIGHT)))

    # ---- stepping --------------------------------------------------------

    def _settings_learning_rate(self):
        """Take the typed learning rate (the only setting a formed network can change)."""
        try:
            self.stepper.learning_rate = parse_learning_rate(self.controls.learning_rate.value)
        except FluxError as error:
            self.controls.show_error(error)
            return False
        self.controls.clear_error()
        return True

    def step(self, granularity):
        """Run one step of the stepper and redraw; returns the Step (or None if refused)."""
        self._require_network()
        if self._training or not self._settings_learning_rate():
            return None
        step = self.stepper.step(granularity)
        self._refresh(step.written, step)
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
        if self._training is None and self.stepper.undo():
            self.narration.value = "Stepped back. " + (self.stepper.last_step.narration
                                                       if self.stepper.last_step else "")
            if not np.isfinite(self.network.state).all():
                self.narration.value += (" ⚠ The network still holds inf or nan here (a step "
                                         "diverged): step back further.")
            self._refresh(())

    def reset(self):
        """Go back to the network as it was formed (Step back undoes this)."""
        self._require_network()
        if self._training is None:
            self.stepper.reset()
            self.narration.value = "Back to the network as it was formed (Step back undoes this)."
            self._refresh(())

    # ---- training --------------------------------------------------------

    def train(self, iterations):
        """Train ``iterations`` at once (no event loop needed); returns the narration."""
        self._require_network()
        if not self._settings_learning_rate():
            return None
        self._train_chunk(iterations, undoable=True)
        return self.narration.value

    def _train_chunk(self, iterations, undoable):
        where = (self.network.iteration, self.stepper.position)
        try:
            step = self.stepper.train(iterations, undoable=undoable)
            self.narration.value = step.narration
            return True
        except NonFiniteError as error:  # trained up to the last finite iteration, or refused
            trained = (self.network.iteration, self.stepper.position) != where
            self.narration.value = f"⚠ {html.escape(str(error), quote=False)}" + (
                " Step back undoes this training." if trained else "")
            return False
        finally:
            self._refresh(())

    def start_training(self):
        """Train the typed number of iterations in chunks, without freezing the page."""
        self._require_network()
        try:
            total = parse_iterations(self.iterations.value)
        except FluxError as error:
            self.narration.value = f"⚠ {error}"
            return None
        if self._training is not None or not self._settings_learning_rate():
            return None
        self._stop_requested = False
        self.progress.max, self.progress.value = total, 0
        self._set_busy(True)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a plain script): train in one go
            self._training = True
            self._train_chunk(total, undoable=True)
            self.progress.value = total
            self._set_busy(False)
            return None
        self._training = loop.create_task(self._train_in_chunks(total))
        return self._training

    async def _train_in_chunks(self, total):
        done, chunk, first = 0, 10, True
        try:
            while done < total and not self._stop_requested:
                started = time.perf_counter()
                size = min(chunk, total - done)
                if not self._train_chunk(size, undoable=first):
                    break
                first = False
                done += size
                self.progress.value = done
                elapsed = time.perf_counter() - started
                chunk = max(1, int(chunk * TRAIN_CHUNK_SECONDS / max(elapsed, 1e-4)))
                await asyncio.sleep(0.01)  # lets the kernel handle a click on Stop
            if self._stop_requested:
                self.narration.value = f"Stopped after {done} of {total} iterations. " \
                    + self.narration.value
        finally:
            self._set_busy(False)

    def stop(self):
        """Ask a running training to stop after its current chunk."""
        self._stop_requested = True

    def close(self):
        """Stop any training and close every widget of the panel (its views go blank).

        Called for the panel an earlier run of the same notebook cell made, when
        the cell makes a new one (see module docs)."""
        if isinstance(self._training, asyncio.Task):
            self._training.cancel()
        self._training = None
        made = [value for value in vars(self).values() if isinstance(value, widgets.Widget)]
        views = [self.controls and self.controls.box, self.keep and self.keep.box,
                 self.tables and self.tables.box, self.diagram and self.diagram.widget,
                 self.output_map and self.output_map.figure]
        close_widgets([self, *made, *views])

    def _set_busy(self, busy):
        if not busy:
            self._training = None
        for control in (self.step_button, self.forward_button, self.backward_button,
                        self.iteration_button, self.undo_button, self.reset_button,
                        self.train_button, self.controls.form):
            control.disabled = busy
        self.stop_button.disabled = not busy

    # ---- views -----------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """Display, then fit the diagram once the browser has drawn it (see NetworkDiagram.fit)."""
        self._fit_soon()
        return super()._repr_mimebundle_(**kwargs)

    def _fit_soon(self):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for delay in DIAGRAM_FIT_DELAYS:
            loop.call_later(delay, self.diagram.fit)

    def _restyle(self):
        if self.diagram is not None:
            active = self.stepper.last_step.computations[-1].layer \
                if self.stepper.last_step and self.stepper.last_step.computations else None
            self.diagram.update(quantity=self.quantity.value, sample=self.sample.value,
                                active_layer=active)

    def _refresh(self, written, step=None):
        layer = None
        if step is not None:
            self.narration.value = step.narration
            if step.computations:
                layer = step.computations[-1].layer
        self.tables.show(written, layer=layer)
        self._restyle()
        if self.output_map is not None and (
                not written or any(name in PARAMETER_NAMES for _, name in written)):
            self.output_map.update()  # it depends on the weights and biases only
        update_mse_figure(self.chart, self.stepper.mse_values, self.stepper.iteration_points)
        self.undo_button.disabled = self._training is not None or not self.stepper.can_undo

    def _check_neuron(self, column, neuron):
        """Refuse a neuron the network does not have (column 0: the inputs)."""
        sizes = self.network.layers_vector
        if not (is_whole_number(column) and 0 <= column < len(sizes)):
            raise ConfigurationError(f"there is no layer {column!r} of neurons: they count from "
                                     f"0 (the inputs) to {len(sizes) - 1} (the outputs)")
        if not (is_whole_number(neuron) and 0 <= neuron < sizes[column]):
            raise ConfigurationError(f"layer {column} has neurons 0 to {sizes[column] - 1}; "
                                     f"there is no neuron {neuron!r}")

    def show_edge(self, layer, row, column):
        """Info box for a clicked edge: the weight, its gradient and its derivation.

        ``weights_matrix[row, column]`` of ``layer`` (counted from 1); a weight the
        network does not have is refused (ConfigurationError) and nothing changes."""
        self._require_network()
        layers = len(self.network.neural_layers)
        if not (is_whole_number(layer) and 1 <= layer <= layers):
            raise ConfigurationError(f"there is no layer {layer!r} of weights: they count from "
                                     f"1 to {layers}")
        self._check_neuron(layer - 1, row)
        self._check_neuron(layer, column)
        summary = self.diagram.edge_summary(layer, row, column)
        self.selected_edge = (layer, row, column)
        self.weight_value.value = float(
            self.network.neural_layers[layer - 1].weights_matrix[row, column])
        self.edge_tools.layout.display = "flex"
        self.info.value = f"<pre>{html.escape(summary, quote=False)}</pre>"
        self.diagram.update(selected=f"L{layer}:{row}-{column}",
                            active_layer=self.diagram.active_layer)

    def set_selected_weight(self, value):
        """Set the clicked weight by hand (Step back undoes it); then step forward to see it act.

        A value that is not a finite number is refused in the narration; with no edge
        clicked (or during training) ConfigurationError says so."""
        self._require_network()
        if self.selected_edge is None:
            raise ConfigurationError("no weight is chosen: click an edge of the diagram first "
                                     "(or call show_edge)")
        if self._training is not None:
            raise ConfigurationError("the network is training: press Stop first")
        layer, row, column = self.selected_edge
        try:
            self.stepper.set_parameter(layer, "weights_matrix", row, column, value)
        except FluxError as error:
            self.narration.value = f"⚠ {html.escape(str(error), quote=False)}"
            return
        self.narration.value = (f"Set layer {layer}'s weights_matrix[{row}, {column}] to "
                                f"{number_text(value)}. The next forward pass uses it; Step back "
                                "undoes it.")
        self._refresh([(layer, "weights_matrix")])

    def check_selected_weight(self):
        """Compare the clicked weight's stored gradient with a central finite difference."""
        self._require_network()
        if self.selected_edge is None:
            raise ConfigurationError("no weight is chosen: click an edge of the diagram first "
                                     "(or call show_edge)")
        layer, row, column = self.selected_edge
        try:
            numeric = finite_difference(self.network, layer, "weights", row, column)
        except FluxError as error:
            self.info.value += f"<pre>⚠ {html.escape(str(error), quote=False)}</pre>"
            return
        stored = float(self.network.neural_layers[layer - 1].dC_dw_matrix[row, column])
        with np.errstate(over="ignore", invalid="ignore"):
            difference = abs(numeric - stored)
        self.info.value += (
            f"<pre>finite difference (C(w+ε) − C(w−ε)) / 2ε = {numeric:.10g}\n"
            f"stored dC_dw (from the last backward pass) = {stored:.10g}\n"
            f"difference {difference:.2e} (they agree when the weights have not "
            "changed since the backward pass)</pre>")

    def show_neuron(self, column, neuron):
        """A clicked neuron: outline it, and its cells in the tables (an input: layer 1's).

        ``column`` 0 is the inputs; a neuron the network does not have is refused
        (ConfigurationError) and nothing changes."""
        self._require_network()
        self._check_neuron(column, neuron)
        self.tables.select_neuron(column, neuron)
        drawn = (column, neuron) in self.diagram.nodes
        if drawn:
            self.diagram.update(selected=f"L{column}N{neuron}",
                                active_layer=self.diagram.active_layer)
        where = ("an input: column {n} of layer 1's input_matrix, row {n} of its weights_matrix"
                 if column == 0 else "column {n} of layer {c}'s matrices below"
                 + (", row {n} of layer {d}'s weights_matrix"
                    if column < len(self.network.neural_layers) else ""))
        shown = ("is outlined" if drawn else
                 "is not drawn in the diagram (its layer is summarised); its cells are outlined")
        self.info.value = (f"Neuron {neuron} of layer {column} {shown}: "
                           + where.format(n=neuron, c=column, d=column + 1) + ".")


