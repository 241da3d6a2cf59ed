"""A panel over a long session: replaced views are closed, re-running a cell leaves no
old panel running, and memory stays flat."""

import asyncio
import os

import pytest

pytest.importorskip("ipycytoscape")
pytest.importorskip("anywidget")

from ipywidgets.widgets.widget import _instances  # noqa: E402  (ipywidgets' open widgets)

from flux_widgets.widgets import closing  # noqa: E402
from flux_widgets.widgets.closing import close_widgets, held_widgets  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


def open_widgets():
    return len(_instances)


def test_forming_again_closes_the_views_of_the_network_before():
    panel = Panel()
    after_first = open_widgets()
    for layers in ("8, 4, 1", "16, 16, 1", "8, 4, 1", "3, 1"):
        panel.controls.layers.value = layers
        assert panel.form_network()
    panel.controls.layers.value = "8, 4, 1"
    assert panel.form_network()
    assert open_widgets() == after_first  # the same network again: the same number open
    panel.close()


def test_a_closed_panel_leaves_no_widget_open():
    before = open_widgets()
    panel = Panel(dataset="xor", layers="4, 1")  # with the output map
    panel.step("iteration")
    assert open_widgets() > before + 100
    panel.close()
    assert open_widgets() == before
    assert all(widget.comm is None for widget in held_widgets(panel))


def test_close_widgets_keeps_what_the_new_tree_still_holds():
    import ipywidgets as widgets

    shared = widgets.HTML("kept")
    old = widgets.VBox([shared, widgets.HBox([widgets.Button()])])
    new = widgets.VBox([shared])
    close_widgets([old], keep=[new])
    assert shared.comm is not None and new.comm is not None
    assert old.comm is None and old.children[1].comm is None
    assert old.children[1].children[0].comm is None
    close_widgets([new])


def rerun(monkeypatch, cell, run):
    monkeypatch.setattr(closing, "_running_cell", lambda: (cell, run))


def test_rerunning_a_cell_closes_the_panel_its_last_run_made_and_stops_its_training(
        monkeypatch):
    monkeypatch.setattr(closing, "_PANELS_OF_CELL", {})

    async def session():
        rerun(monkeypatch, "cell-a", "run-1")
        first = Panel()
        also_first = Panel(layers="4, 1")  # two panels made by one run of a cell
        other_cell = (rerun(monkeypatch, "cell-b", "run-2"), Panel())[1]
        first.iterations.value = "100000"
        task = first.start_training()
        await asyncio.sleep(0.2)
        reached = first.network.iteration
        assert reached > 0 and not task.done()
        rerun(monkeypatch, "cell-a", "run-3")  # the learner runs cell a again
        second = Panel()
        await asyncio.sleep(0.2)
        assert task.cancelled()  # Panel.close → Training.cancel cancels the task
        assert first.network.iteration <= reached + 50_000 and first.training.task is None
        stopped_at = first.network.iteration
        await asyncio.sleep(0.2)
        assert first.network.iteration == stopped_at  # nothing of it runs any more
        assert first.comm is None and also_first.comm is None  # both made by run 1
        assert second.comm is not None and other_cell.comm is not None
        assert second.step("iteration") is not None  # the new panel works
        for panel in (second, other_cell):
            panel.close()

    asyncio.run(session())


def test_outside_a_notebook_nothing_is_replaced(monkeypatch):
    monkeypatch.setattr(closing, "_running_cell", lambda: None)
    first, second = Panel(), Panel()
    assert first.comm is not None and second.comm is not None
    first.close()
    second.close()


def resident_kib():
    """The process's resident memory, after collecting garbage and giving freed heap back."""
    import ctypes
    import gc

    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads Linux's /proc")
def test_a_panel_left_training_for_100000_iterations_keeps_memory_flat():
    """10⁵ iterations through the panel's own chunked loop. After the first 10⁴ (the
    curve has filled and thins) the next 9·10⁴ add less than 1 MiB of resident
    memory; keeping their curve points as before added 7.4 MB (measured)."""
    async def session():
        panel = Panel()
        held = {}
        for total in (10_000, 50_000, 100_000):
            panel.iterations.value = str(total - panel.network.iteration)
            await panel.start_training()
            held[total] = resident_kib()
        stepper = panel.stepper
        assert panel.network.iteration == 100_000
        assert len(stepper.mse_values) <= stepper.curve_points + 1
        assert stepper.iteration_points[-1] == 100_000
        assert len(panel.chart.marks[0].x) <= len(stepper.mse_values)
        print("resident memory after", ", ".join(f"{total:,} iterations: {size:,.0f} KiB"
                                                 for total, size in held.items()),
              f"(curve: {len(stepper.mse_values)} points, stride {stepper.curve_stride})")
        assert held[100_000] - held[10_000] < 1024
        panel.undo()  # the last training can still be stepped back
        assert panel.network.iteration == 50_000
        panel.close()

    asyncio.run(session())
