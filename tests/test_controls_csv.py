"""A learner's CSV file in the panel's dataset chooser (plain Python, no browser).

An upload is simulated the way ipywidgets 8.1 delivers one from the browser:
``FileUpload.value`` becomes a tuple of dicts with name, type, size, content
(a memoryview of the bytes) and last_modified.
"""

import datetime as dt

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from flux_widgets.errors import ConfigurationError, DataError  # noqa: E402
from flux_widgets.widgets import controls as controls_module  # noqa: E402
from flux_widgets.widgets.controls import CSV_CHOICE, Controls  # noqa: E402

GOOD = "x1,x2,label\n1,10,0\n2,20,1\n3,30,0\n4,40,1\n"


def upload(controls, content, name="data.csv"):
    """Put ``content`` (str as UTF-8, or bytes) into ``controls.upload`` as the browser does."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    controls.upload.value = ({"name": name, "type": "text/csv", "size": len(raw),
                              "content": memoryview(raw),
                              "last_modified": dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)},)


@pytest.fixture
def controls():
    return Controls(dataset=CSV_CHOICE)


def test_upload_widgets_show_only_for_the_csv_choice():
    controls = Controls()
    assert controls.csv_box.layout.display == "none"
    assert controls.dataset_choice.options[-1] == ("Your CSV file…", CSV_CHOICE)
    controls.dataset_choice.value = CSV_CHOICE
    assert controls.csv_box.layout.display == "flex"
    assert controls.upload.accept == ".csv" and not controls.upload.multiple
    # ipywidgets shows "description (count)": the button reads "Upload CSV… (0)", and its
    # tooltip says what the count is and how large a file may be
    assert controls.upload.description == "Upload CSV…"
    assert "10 MB" in controls.upload.tooltip and "counts the files" in controls.upload.tooltip
    assert controls.label_column.value == "label" and controls.standardize.value
    controls.dataset_choice.value = "iris"
    assert controls.csv_box.layout.display == "none"


def test_a_good_csv_forms_a_dataset(controls):
    upload(controls, GOOD, name="mine.csv")
    data = controls.dataset()
    assert data.name == "mine" and data.feature_names == ("x1", "x2")
    assert data.inputs.shape == (4, 2) and data.targets.shape == (4, 1)
    assert data.labels.tolist() == [0, 1, 0, 1]
    assert np.allclose(data.inputs.mean(axis=0), 0) and np.allclose(data.inputs.std(axis=0), 1)
    assert controls.values()["dataset"] == "csv:mine.csv"
    assert "4 samples, 2 features, 2 classes" in controls.csv_note.value
    assert controls.message.value == ""
    controls.standardize.value = False
    assert controls.dataset().inputs[:, 1].tolist() == [10, 20, 30, 40]


def test_label_column_by_name_and_three_classes(controls):
    upload(controls, "kind,a,b\ncat,1,2\ndog,3,4\nemu,5,6\n")
    controls.label_column.value = " kind "
    data = controls.dataset()
    assert data.class_names == ("cat", "dog", "emu") and data.targets.shape == (3, 3)
    assert data.feature_names == ("a", "b")


@pytest.mark.parametrize("content, message", [
    ("", "data.csv is empty"),
    ("\n\n", "data.csv is empty"),
    ("x1,x2,label\n1,2,0\n3,oops,1\n", "data.csv: line 3, column 'x2': 'oops' is not a number"),
    ("x1,x2,label\n1,2,0\n3,1\n", "data.csv: line 3 has 2 values but the header has 3 columns"),
    ("x1,x2,y\n1,2,0\n3,4,1\n", "no column named 'label'; the columns are: x1, x2, y"),
    ("x1,label\n1,0\n2,0\n", "the label column 'label' has only one class"),
    ("x1,x2,label\n1,2,0\n3,nan,1\n", "line 3, column 'x2': 'nan' is not a finite number"),
    ("x1,x2,label\n1,2,0\n-inf,4,1\n", "line 3, column 'x1': '-inf' is not a finite number"),
    ("x1,label\n\xe9t\xe9,0\n".encode("latin-1"),
     r"data.csv is not UTF-8 text \(byte 0xe9 at position 9\)"),
    (b"x1,label\n1,0\n\x00,1\n", "not a text file: it contains NUL bytes"),
])
def test_bad_csv_files_raise_a_data_error_naming_the_problem(controls, content, message):
    upload(controls, content)
    with pytest.raises(DataError, match=message):
        controls.dataset()


def test_the_upload_is_checked_at_once_and_the_message_shown(controls):
    upload(controls, "x1,x2,label\n1,2,0\n3,oops,1\n")  # must not raise
    assert "line 3, column 'x2': 'oops' is not a number" in controls.message.value
    assert controls.csv_note.value == ""
    upload(controls, GOOD)
    assert controls.message.value == "" and "4 samples" in controls.csv_note.value


def test_messages_quoting_the_file_are_escaped(controls):
    upload(controls, "x1,label\n<b>x</b>,0\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in controls.message.value
    assert "<b>" not in controls.message.value


def test_no_upload_yet(controls):
    for ask in (controls.dataset, controls.values):
        with pytest.raises(ConfigurationError,
                           match="^no CSV file uploaded yet; press Upload CSV… and choose"):
            ask()


def test_empty_label_column(controls):
    upload(controls, GOOD)
    controls.label_column.value = "  "
    assert "the label column is empty" in controls.message.value
    with pytest.raises(ConfigurationError, match="the label column is empty"):
        controls.dataset()


def test_a_file_above_the_limit_is_refused_before_parsing(controls, monkeypatch):
    monkeypatch.setattr(controls_module, "MAX_UPLOAD_BYTES", 20)
    monkeypatch.setattr(controls_module, "parse_csv", lambda *a, **k: pytest.fail("parsed"))
    upload(controls, GOOD, name="big.csv")
    with pytest.raises(DataError, match="big.csv is 0.0 MB; the panel takes CSV files up to"):
        controls.dataset()
    assert "big.csv is 0.0 MB" in controls.message.value


def test_an_upload_is_parsed_once(controls, monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(kwargs["label"])
        return parse(*args, **kwargs)

    parse = controls_module.parse_csv
    monkeypatch.setattr(controls_module, "parse_csv", counting)
    upload(controls, GOOD)  # parsed here, to show its summary
    first = controls.dataset()
    assert controls.dataset() is first and len(calls) == 1
    upload(controls, GOOD)  # the same bytes again
    assert controls.dataset() is first and len(calls) == 1
    controls.standardize.value = False  # another setting: parsed again
    assert controls.dataset() is not first and len(calls) == 2
    upload(controls, "x1,label\n1,0\n1,x,1\n")
    for _ in range(3):
        with pytest.raises(DataError, match="line 3 has 3 values"):
            controls.dataset()
    assert len(calls) == 3


def test_panel_keeps_its_network_when_the_csv_is_bad():
    pytest.importorskip("ipycytoscape")
    from flux_widgets.widgets.panel import Panel

    panel = Panel()
    network = panel.network
    panel.controls.dataset_choice.value = CSV_CHOICE
    upload(panel.controls, "x1,x2,label\n1,2,0\n3,oops,1\n")
    panel.controls.form.click()  # must not raise
    assert panel.network is network
    assert panel.controls.message.value.startswith("<span style='color:#c53030'>⚠")
