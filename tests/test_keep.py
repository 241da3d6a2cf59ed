"""The Keep-and-share box in plain Python: click its buttons; check files, messages, callbacks."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets import ConfigurationError, Form_Network  # noqa: E402
from flux_widgets.costs import CostType  # noqa: E402
from flux_widgets.datasets import load_dataset  # noqa: E402
from flux_widgets.session import parse_configuration_string, save_session  # noqa: E402
from flux_widgets.stepper import Stepper  # noqa: E402
from flux_widgets.widgets.keep import DEFAULT_FILENAME, KeepAndShare  # noqa: E402

SEED_STRING = "flux1:parity4:8,4,1:leaky_relu:sigmoid:lr=1:seed=0"


class Screen:
    """Stands in for the panel: holds a stepper and settings, records the callbacks."""

    def __init__(self, configuration=SEED_STRING):
        self.settings = parse_configuration_string(configuration)
        data = load_dataset(self.settings["dataset"])
        network = Form_Network(self.settings["layers"], data.inputs, data.targets,
                               self.settings["hidden"], self.settings["output"],
                               seed=self.settings["seed"],
                               init_scale=self.settings["init_scale"],
                               cost=self.settings["cost"])
        self.stepper = Stepper(network, self.settings["learning_rate"])
        self.predictions = (0, 0)
        self.loaded, self.used = [], []
        self.refuse = None
        self.keep = KeepAndShare(
            get_state=lambda: (self.stepper, self.settings, self.predictions),
            on_loaded=self.on_loaded, on_settings=self.on_settings)

    def on_loaded(self, stepper, settings, predictions):
        self.loaded.append((stepper, settings))
        self.stepper, self.settings, self.predictions = stepper, settings, predictions

    def on_settings(self, settings):
        if self.refuse:
            raise self.refuse
        self.used.append(settings)


@pytest.fixture
def screen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return Screen()


def is_warning(message):
    return "⚠" in message and "c53030" in message and "Traceback" not in message


def test_the_box_holds_every_control(screen):
    keep = screen.keep
    assert keep.filename.value == DEFAULT_FILENAME and keep.upload.accept == ".npz"
    for control in (keep.filename, keep.save_button, keep.load_button, keep.upload, keep.shared,
                    keep.share_button, keep.pasted, keep.use_button, keep.message):
        assert any(control in getattr(row, "children", (row,)) for row in keep.box.children)
    # ipywidgets shows "description (count)"; the count of a session upload is always 0
    assert keep.upload.description == "Upload session…"
    assert "10 MB" in keep.upload.tooltip and ".npz" in keep.upload.tooltip


def test_save_writes_in_the_working_folder_and_says_where(screen, tmp_path):
    screen.stepper.step("iteration")
    screen.keep.save_button.click()
    path = tmp_path / DEFAULT_FILENAME
    assert path.exists()
    assert f"Saved to {path}." in screen.keep.message.value
    screen.keep.save_button.click()
    assert "replacing the earlier file" in screen.keep.message.value
    screen.keep.filename.value = "  second  "
    assert screen.keep.save() == str(tmp_path / "second.npz")


def test_load_hands_the_session_over(screen, tmp_path):
    screen.stepper.train(3)
    advance = ["computation"] * 4
    for granularity in advance:
        screen.stepper.step(granularity)
    original = screen.stepper
    screen.keep.save_button.click()
    screen.keep.load_button.click()
    (stepper, settings), = screen.loaded
    assert stepper is not original and settings == screen.settings
    assert stepper.position == 4 and stepper.mse_values == original.mse_values
    original.step("iteration")
    stepper.step("iteration")
    assert np.array_equal(stepper.network.state, original.network.state)
    assert (f"Loaded {tmp_path / DEFAULT_FILENAME}, in iteration 4, after 4 of its 30 "
            "computations.") in screen.keep.message.value


def test_the_prediction_score_is_saved_and_handed_over(screen):
    screen.predictions = (2, 3)
    assert screen.keep.save()
    screen.predictions = (0, 0)
    assert screen.keep.load()
    assert screen.predictions == (2, 3)


@pytest.mark.parametrize("steps, place", [
    (["computation"] * 4, "in iteration 1, after 4 of its 30 computations"),
    (["computation"], "in iteration 1, after 1 of its 30 computations"),
    ([], "at the start of iteration 1"),
    (["iteration"] * 2, "at the start of iteration 3"),
    (["iteration", "phase"], "in iteration 2, after 9 of its 30 computations"),
])
def test_a_loaded_session_says_which_iteration_it_stands_in(screen, tmp_path, steps, place):
    """Defect 7: a session saved part-way through iteration 1 loaded "at iteration 0"."""
    for granularity in steps:
        screen.stepper.step(granularity)
    assert screen.stepper.place == place
    assert screen.keep.save() and screen.keep.load()
    assert screen.loaded[0][0].place == place
    assert f"Loaded {tmp_path / DEFAULT_FILENAME}, {place}." in screen.keep.message.value


@pytest.mark.parametrize("name, content, message", [
    ("missing.npz", None, "there is no file"),
    ("junk.npz", b"not a network", "not a FLUX network file"),
    ("   ", None, "type a file name"),
    ("folder.npz", "folder", "is a folder"),
])
def test_a_failed_load_is_a_message_and_changes_nothing(screen, tmp_path, name, content,
                                                        message):
    if content == "folder":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content)
    before = screen.stepper
    screen.keep.filename.value = name
    assert screen.keep.load() is False
    assert screen.loaded == [] and screen.stepper is before
    assert is_warning(screen.keep.message.value) and message in screen.keep.message.value


def test_a_failed_save_is_a_message(screen, tmp_path):
    screen.keep.filename.value = str(tmp_path / "no folder" / "s.npz")
    assert screen.keep.save() is None
    assert is_warning(screen.keep.message.value) and "cannot write" in screen.keep.message.value
    screen.keep.filename.value = "s.npz"
    screen.settings = dict(screen.settings, layers=[6, 1])  # typed, but not formed
    assert screen.keep.save() is None
    assert "do not describe the network" in screen.keep.message.value
    assert not (tmp_path / "s.npz").exists()


def upload(keep, name, content):
    """What the browser sends when a file is chosen."""
    keep.upload.set_state({"value": [{"name": name, "type": "application/octet-stream",
                                      "size": len(content), "content": memoryview(content),
                                      "last_modified": 1700000000000}]})


def test_upload_loads_and_can_be_repeated(screen, tmp_path):
    screen.stepper.step("phase")
    save_session(screen.stepper, tmp_path / "mine.npz", screen.settings)
    data = (tmp_path / "mine.npz").read_bytes()
    upload(screen.keep, "mine.npz", data)
    upload(screen.keep, "mine.npz", data)
    assert len(screen.loaded) == 2 and screen.loaded[0][0].position == 9
    assert screen.keep.upload.value == ()
    assert "Loaded mine.npz, in iteration 1, after 9 of its 30 computations." \
        in screen.keep.message.value


@pytest.mark.parametrize("content", [b"", b"junk", b"PK\x03\x04 cut short"])
def test_a_bad_upload_is_a_message(screen, content):
    upload(screen.keep, "bad <b>.npz", content)
    assert screen.loaded == []
    message = screen.keep.message.value
    assert is_warning(message) and "bad &lt;b&gt;.npz" in message and "flux_upload_" not in message


def test_the_shared_string_is_shown_and_cannot_be_edited(screen):
    assert screen.keep.show_configuration() == SEED_STRING
    assert screen.keep.shared.value == SEED_STRING
    screen.keep.shared.value = "flux1:something else"
    assert screen.keep.shared.value == SEED_STRING
    screen.settings = parse_configuration_string("flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=2")
    screen.keep.share_button.click()
    assert screen.keep.shared.value == "flux1:xor:3,1:tanh:sigmoid:lr=0.5:seed=2"
    screen.settings = dict(screen.settings, seed=None)
    screen.keep.share_button.click()
    assert is_warning(screen.keep.message.value)
    assert screen.keep.shared.value == ""  # never the string of a network no longer shown


def test_a_pasted_string_is_used(screen):
    screen.keep.pasted.value = " flux1 : iris : 6, 3 : TANH : sigmoid : lr = 0.1 : seed = 4 "
    screen.keep.use_button.click()
    assert screen.used == [parse_configuration_string("flux1:iris:6,3:tanh:sigmoid:lr=0.1:seed=4")]
    assert "Now using flux1:iris:6,3:tanh:sigmoid:lr=0.1:seed=4." in screen.keep.message.value


@pytest.mark.parametrize("text", ["", "flux1:parity4:8,,4:relu:sigmoid:lr=1:seed=0",
                                  "flux1:parity4:8,4,1:relu:sigmoid:lr=nan:seed=0", "hello"])
def test_a_bad_pasted_string_is_a_message(screen, text):
    assert screen.keep.use(text) is False
    assert screen.used == [] and is_warning(screen.keep.message.value)


def test_settings_the_caller_refuses_are_a_message(screen):
    screen.refuse = ConfigurationError("the last layer has 1 neurons but the targets have 3")
    assert screen.keep.use("flux1:iris:6,1:tanh:sigmoid:lr=0.1:seed=4") is False
    assert "the targets have 3" in screen.keep.message.value


CROSS_ENTROPY_STRING = "flux1:iris:6,3:tanh:softmax:lr=0.5:seed=3:scale=2:cost=cross_entropy"


def test_a_cross_entropy_session_is_shared_saved_and_loaded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    screen = Screen(CROSS_ENTROPY_STRING)
    assert screen.stepper.network.cost_type is CostType.CROSS_ENTROPY
    assert screen.keep.show_configuration() == CROSS_ENTROPY_STRING
    screen.stepper.train(4)
    screen.stepper.step("layer")
    original = screen.stepper
    assert screen.keep.save()
    assert screen.keep.load()
    (stepper, settings), = screen.loaded
    assert settings == parse_configuration_string(CROSS_ENTROPY_STRING)
    assert settings["cost"] is stepper.network.cost_type is CostType.CROSS_ENTROPY
    assert stepper.network.state.tobytes() == original.network.state.tobytes()
    assert stepper.mse_values == original.mse_values
    original.step("iteration")
    stepper.step("iteration")
    assert stepper.network.state.tobytes() == original.network.state.tobytes()
    assert screen.keep.show_configuration() == CROSS_ENTROPY_STRING


def test_a_pasted_string_with_the_cost_is_used(screen):
    text = " flux1 : iris : 6, 3 : tanh : SOFTMAX : lr = 0.1 : seed = 4 : Cost = Cross-Entropy "
    assert screen.keep.use(text)
    assert screen.used == [parse_configuration_string(
        "flux1:iris:6,3:tanh:softmax:lr=0.1:seed=4:cost=cross_entropy")]
    assert screen.used[0]["cost"] is CostType.CROSS_ENTROPY
    assert "Now using flux1:iris:6,3:tanh:softmax:lr=0.1:seed=4:cost=cross_entropy." \
        in screen.keep.message.value


@pytest.mark.parametrize("tail", [":cost=cross_entropy:scale=2", ":cost=mse:cost=mse",
                                  ":cost=hinge", ":scale=2:scale=2"])
def test_a_pasted_string_with_a_bad_cost_part_is_a_message(screen, tail):
    assert screen.keep.use(SEED_STRING + tail) is False
    assert screen.used == [] and is_warning(screen.keep.message.value)
