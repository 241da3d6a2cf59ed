"""The panel: build a network, step it, and see every matrix, the diagram and the MSE curve.

``Panel()`` is one widget to display in a notebook cell. It owns one
:class:`~flux_widgets.stepper.Stepper`; every button asks the stepper for a
step and then redraws the views that observe the network (tables, diagram,
chart, narration). The panel computes no math of its own.
"""

from __future__ import annotations

import asyncio
import time

import ipywidgets as widgets

from ..datasets import load_dataset
from ..derivation import finite_difference
from ..errors import FluxError, NonFiniteError
from ..network import Form_Network
from ..stepper import Stepper
from .charts import mse_figure, update_mse_figure
from .controls import Controls, parse_iterations, parse_learning_rate
from .diagram import NetworkDiagram
from .tables import MatrixTables

__all__ = ["Panel"]

_GRANULARITIES = [("computation", "computation"), ("layer", "layer"), ("pass", "phase"),
                  ("iteration", "iteration")]
TRAIN_CHUNK_SECONDS = 0.05
DIAGRAM_FIT_DELAYS = (0.5, 1.5, 4.0)  # seconds after display: the browser has drawn the view


class Panel(widgets.VBox):
    """Controls, step buttons, narration, matrix tables, network diagram and MSE chart.

    The arguments are the starting settings (the seed's parity network by
    default). ``panel.network`` and ``panel.stepper`` are the engine objects
    on screen.
    """

    def __init__(self, dataset="parity4", layers="8, 4, 1", hidden="leaky_relu",
                 output="sigmoid", learning_rate=1.0, seed=0):
        super().__init__()
        self.controls = Controls(layers, hidden, output, learning_rate, dataset, seed)
        self.narration = widgets.HTML(layout=widgets.Layout(min_height="24px"))
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
        self.chart.layout = widgets.Layout(width="420px", height="260px")
        self._stop_requested = False
        self._training = None
        self.network = self.stepper = self.tables = self.diagram = None

        self.controls.form.on_click(lambda _: self.form_network())
        self.step_button.on_click(lambda _: self.step(self.granularity.value))
        self.forward_button.on_click(lambda _: self.run_pass("forward"))
        self.backward_button.on_click(lambda _: self.run_pass("backward"))
        self.iteration_button.on_click(lambda _: self.step("iteration"))
        self.undo_button.on_click(lambda _: self.undo())
        self.reset_button.on_click(lambda _: self.reset())
        self.train_button.on_click(lambda _: self.start_training())
        self.stop_button.on_click(lambda _: self.stop())
        self.set_weight_button.on_click(lambda _: self.set_selected_weight(self.weight_value.value))
        self.check_button.on_click(lambda _: self.check_selected_weight())
        self.quantity.observe(lambda _: self._restyle(), "value")
        self.sample.observe(lambda _: self._restyle(), "value")
        self.form_network()

    # ---- forming ---------------------------------------------------------

    def form_network(self):
        """Form a network from the controls; on a bad value, say so and keep the old one."""
        try:
            settings = self.controls.values()
            data = load_dataset(settings["dataset"])
            network = Form_Network(settings["layers"], data.inputs, data.targets,
                                   settings["hidden"], settings["output"], seed=settings["seed"])
            stepper = Stepper(network, settings["learning_rate"])
        except FluxError as error:
            self.controls.show_error(error)
            return False
        self.controls.clear_error()
        self.controls.show_inputs(network.layers_vector[0])
        self.network, self.stepper = network, stepper
        self.tables = MatrixTables(network)
        self.diagram = NetworkDiagram(network, quantity=self.quantity.value)
        self.diagram.on_edge_click(self.show_edge)
        self.diagram.on_node_click(self.show_neuron)
        self.sample.max = network.sample_size - 1
        self.sample.value = 0
        self._layout()
        self._fit_soon()
        self.narration.value = (f"Formed {network.describe()} on {data.description} "
                                "Press <b>Step</b> to compute the first matrix.")
        self._refresh(())
        return True

    def _layout(self):
        buttons = widgets.HBox([self.step_button, self.forward_button, self.backward_button,
                                self.iteration_button, self.undo_button, self.reset_button])
        training = widgets.HBox([self.iterations, self.train_button, self.stop_button,
                                 self.progress])
        diagram = widgets.VBox([widgets.HBox([self.quantity, self.sample]),
                                self.diagram.widget,
                                widgets.HTML(f"<i>{self.diagram.summary_note}</i>")
                                if self.diagram.summary_note else widgets.HTML(), self.info,
                                self.edge_tools])
        self.children = [self.controls.box, self.granularity, buttons, training, self.narration,
                         widgets.HBox([diagram, self.chart]), self.tables.box]

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
        if self._training or not self._settings_learning_rate():
            return None
        step = self.stepper.step(granularity)
        self._refresh(step.written, step)
        return step

    def run_pass(self, phase):
        """Run the rest of the forward or backward pass (``phase``)."""
        upcoming = self.stepper.next_computation.phase
        if upcoming != phase:
            self.narration.value = (f"The next computation belongs to the {upcoming} step; "
                                    f"run it first (or step back) to reach the {phase} pass.")
            return None
        return self.step("phase")

    def undo(self):
        if self._training is None and self.stepper.undo():
            self.narration.value = "Stepped back. " + (self.stepper.last_step.narration
                                                       if self.stepper.last_step else "")
            self._refresh(())

    def reset(self):
        if self._training is None:
            self.stepper.reset()
            self.narration.value = "Back to the network as it was formed (Step back undoes this)."
            self._refresh(())

    # ---- training --------------------------------------------------------

    def train(self, iterations):
        """Train ``iterations`` at once (no event loop needed); returns the narration."""
        if not self._settings_learning_rate():
            return None
        self._train_chunk(iterations, undoable=True)
        return self.narration.value

    def _train_chunk(self, iterations, undoable):
        try:
            step = self.stepper.train(iterations, undoable=undoable)
            self.narration.value = step.narration
            return True
        except NonFiniteError as error:
            self.narration.value = f"⚠ {error} Press Step back to see where it was."
            return False
        finally:
            self._refresh(())

    def start_training(self):
        """Train the typed number of iterations in chunks, without freezing the page."""
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
        if step is not None:
            self.narration.value = step.narration
            if step.computations:
                self.tables.layer.value = step.computations[-1].layer
        self.tables.show(written)
        self._restyle()
        update_mse_figure(self.chart, self.stepper.mse_values, self.stepper.iteration_points)
        self.undo_button.disabled = self._training is not None or not self.stepper.can_undo

    def show_edge(self, layer, row, column):
        """Info box for a clicked edge: the weight, its gradient and its derivation."""
        self.selected_edge = (layer, row, column)
        self.weight_value.value = float(
            self.network.neural_layers[layer - 1].weights_matrix[row, column])
        self.edge_tools.layout.display = "flex"
        self.info.value = f"<pre>{self.diagram.edge_summary(layer, row, column)}</pre>"

    def set_selected_weight(self, value):
        """Set the clicked weight by hand (Step back undoes it); then step forward to see it act."""
        if self.selected_edge is None or self._training is not None:
            return
        layer, row, column = self.selected_edge
        try:
            self.stepper.set_parameter(layer, "weights_matrix", row, column, value)
        except FluxError as error:
            self.narration.value = f"⚠ {error}"
            return
        self.narration.value = (f"Set layer {layer}'s weights_matrix[{row}, {column}] to "
                                f"{value:g}. The next forward pass uses it; Step back undoes it.")
        self._refresh([(layer, "weights_matrix")])

    def check_selected_weight(self):
        """Compare the clicked weight's stored gradient with a central finite difference."""
        if self.selected_edge is None:
            return
        layer, row, column = self.selected_edge
        numeric = finite_difference(self.network, layer, "weights", row, column)
        stored = float(self.network.neural_layers[layer - 1].dC_dw_matrix[row, column])
        self.info.value += (
            f"<pre>finite difference (C(w+ε) − C(w−ε)) / 2ε = {numeric:.10g}\n"
            f"stored dC_dw (from the last backward pass) = {stored:.10g}\n"
            f"difference {abs(numeric - stored):.2e} (they agree when the weights have not "
            "changed since the backward pass)</pre>")

    def show_neuron(self, column, neuron):
        """A clicked neuron: show its layer's tables (column 0, the inputs, shows layer 1)."""
        self.tables.select(max(column, 1))
        self.info.value = (f"Neuron {neuron} of layer {column}: its values are column "
                           f"{neuron} of that layer's matrices below.")
