"""The panel's training row: train the network on screen for many iterations without
freezing the page, and stop when asked.

In a notebook the kernel runs an event loop, so :meth:`Training.start` trains in chunks
of about ``CHUNK_SECONDS`` each and yields to the loop between them: the page stays
responsive, the progress bar moves, the views redraw after each chunk and a click on
Stop (or Esc) is handled at the next chunk. Without an event loop (a plain script) it
trains in one go. The first chunk is one undoable step of the stepper, the later ones
extend it, so one Step back undoes the whole training.

A chunk that goes non-finite stops the training at the last finite iteration
(:meth:`~flux_widgets.stepper.Stepper.train` rolls back) and says where.
"""

from __future__ import annotations

import asyncio
import html
import time

import ipywidgets as widgets

from ..errors import FluxError, NonFiniteError
from .controls import parse_iterations

__all__ = ["Training", "CHUNK_SECONDS"]

CHUNK_SECONDS = 0.05  # a chunk's target length: short enough for a click on Stop to act


class Training:
    """The iterations field, Train and Stop buttons and a progress bar (``row``).

    ``panel`` is the :class:`~flux_widgets.widgets.panel.Panel` it trains for; the
    training calls back three of its methods: ``_take_settings()`` (take the
    typed learning rate, batch size and shuffle seed; False if one is refused), ``_changed(written)`` (redraw the
    views) and ``_set_busy(busy)`` (disable the step buttons while training).
    """

    def __init__(self, panel):
        self.panel = panel
        self.iterations = widgets.Text(value="200", description="Iterations",
                                       layout=widgets.Layout(width="170px"))
        self.train_button = widgets.Button(description="Train", icon="play",
                                           button_style="success")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        self.progress = widgets.IntProgress(value=0, min=0, max=1,
                                            description="training progress",
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="320px"))
        self.row = widgets.HBox([self.iterations, self.train_button, self.stop_button,
                                 self.progress])
        self.task = None  # the running training: an asyncio.Task, True in a script, or None
        self._stop_requested = False

    @property
    def running(self):
        return self.task is not None

    def train(self, iterations):
        """Train ``iterations`` at once (no event loop needed); returns the narration."""
        if not self.panel._take_settings():
            return None
        self._chunk(iterations, undoable=True)
        return self.panel.narration.value

    def _chunk(self, iterations, undoable):
        """Train one chunk; False when it stopped at a non-finite iteration or was refused."""
        stepper, network = self.panel.stepper, self.panel.network
        where = (network.iteration, stepper.position)
        try:
            step = stepper.train(iterations, undoable=undoable)
            self.panel.narration.value = step.narration
            return True
        except NonFiniteError as error:  # trained up to the last finite iteration, or refused
            trained = (network.iteration, stepper.position) != where
            self.panel.narration.value = f"⚠ {html.escape(str(error), quote=False)}" + (
                " Step back undoes this training." if trained else "")
            return False
        finally:
            self.panel._changed(None)

    def start(self):
        """Train the typed number of iterations in chunks, without freezing the page.

        Returns the ``asyncio.Task`` that trains (None when refused, or when it trained
        in one go for want of an event loop)."""
        try:
            total = parse_iterations(self.iterations.value)
        except FluxError as error:
            self.panel.narration.value = f"⚠ {error}"
            return None
        if self.running or not self.panel._take_settings():
            return None
        self._stop_requested = False
        self.progress.max, self.progress.value = total, 0
        self._set_busy(True)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a plain script): train in one go
            self.task = True
            self._chunk(total, undoable=True)
            self.progress.value = total
            self._set_busy(False)
            return None
        self.task = loop.create_task(self._in_chunks(total))
        return self.task

    async def _in_chunks(self, total):
        done, chunk, first = 0, 10, True
        try:
            while done < total and not self._stop_requested:
                started = time.perf_counter()
                size = min(chunk, total - done)
                if not self._chunk(size, undoable=first):
                    break
                first = False
                done += size
                self.progress.value = done
                elapsed = time.perf_counter() - started
                chunk = max(1, int(chunk * CHUNK_SECONDS / max(elapsed, 1e-4)))
                await asyncio.sleep(0.01)  # lets the kernel handle a click on Stop
            if self._stop_requested:
                self.panel.narration.value = (f"Stopped after {done} of {total} iterations. "
                                              + self.panel.narration.value)
        finally:
            self._set_busy(False)

    def clear(self):
        """Empty the progress bar: the network it measured was reset or replaced."""
        self.progress.value, self.progress.max = 0, 1

    def stop(self):
        """Ask a running training to stop after its current chunk."""
        self._stop_requested = True

    def cancel(self):
        """Stop at once (the panel is closing): cancel the task, if any."""
        if isinstance(self.task, asyncio.Task):
            self.task.cancel()
        self.task = None

    def _set_busy(self, busy):
        if not busy:
            self.task = None
        self.train_button.disabled = busy
        self.stop_button.disabled = not busy
        self.panel._set_busy(busy)
