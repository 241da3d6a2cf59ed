"""The suite-wide fixture (tests/conftest.py) turns a swallowed callback exception into a failure."""

import pytest

widgets = pytest.importorskip("ipywidgets")


def test_an_exception_in_a_click_handler_reaches_the_test(widget_callbacks_raise):
    button = widgets.Button()
    button.on_click(lambda _: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        button.click()
    assert len(widget_callbacks_raise) == 1
    widget_callbacks_raise.clear()  # seen here on purpose; any other would fail the test


def test_an_exception_in_a_front_end_message_handler_reaches_the_test(widget_callbacks_raise):
    button = widgets.Button()
    button.on_click(lambda _: [][1])
    with pytest.raises(IndexError):
        button._handle_button_msg(None, {"event": "click"}, [])  # as the browser's click
    widget_callbacks_raise.clear()
