"""Suite-wide: an exception inside a widget callback fails the test.

ipywidgets' ``CallbackDispatcher`` (behind ``Button.on_click``, ``Button.click()``,
a widget's ``on_msg``, as the panel's keys use, and ipycytoscape's ``on``) catches every exception a
handler raises and only logs it, so a test that clicks a button would pass while the
learner sees a traceback. Here the dispatcher re-raises, and the test fails at its end
even if something caught the exception on the way.
"""

import pytest

try:
    from ipywidgets.widgets.widget import CallbackDispatcher
except ImportError:  # the engine's tests run without the widgets too
    CallbackDispatcher = None


def _dispatch_and_raise(escaped):
    def __call__(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            try:
                local_value = callback(*args, **kwargs)
            except Exception as error:
                escaped.append((callback, error))
                raise
            value = local_value if local_value is not None else value
        return value
    return __call__


@pytest.fixture(autouse=True)
def widget_callbacks_raise(monkeypatch):
    """Make any exception in a widget callback fail the test (see module docs)."""
    if CallbackDispatcher is None:
        yield
        return
    escaped = []
    monkeypatch.setattr(CallbackDispatcher, "__call__", _dispatch_and_raise(escaped))
    yield escaped
    if escaped:
        callback, error = escaped[0]
        pytest.fail(f"a widget callback raised {type(error).__name__}: {error} "
                    f"(in {getattr(callback, '__qualname__', callback)})", pytrace=False)


# ---- shared data and helpers (implemented in reference.py, which modules may import) ----

from reference import parity4, refused as _refused  # noqa: E402


@pytest.fixture
def parity_data():
    """The seed's 4-bit parity problem, ``(inputs 16 x 4, targets 16 x 1)``, fresh arrays
    built from its definition (see ``reference.parity4``)."""
    return parity4()


@pytest.fixture
def refused():
    """``refused(call, error, message)``: assert ``call()`` raises the kit's ``error`` with a
    message matching ``message``; returns the exception (see ``reference.refused``)."""
    return _refused
