"""The opt-in kernel websocket connection turns Nagle's algorithm off before it connects."""

import types

import pytest

channels = pytest.importorskip("jupyter_server.services.kernels.connection.channels")


def test_the_connection_turns_nagle_off_then_connects_as_jupyter_server_does(monkeypatch):
    from flux_widgets.widgets.nodelay import NoDelayKernelWebsocketConnection

    calls = []
    monkeypatch.setattr(channels.ZMQChannelsWebsocketConnection, "connect",
                        lambda self: calls.append("connect") or "connected")
    connection = NoDelayKernelWebsocketConnection.__new__(NoDelayKernelWebsocketConnection)
    connection._trait_values["websocket_handler"] = types.SimpleNamespace(
        set_nodelay=lambda flag: calls.append(("nodelay", flag)))
    assert connection.connect() == "connected"
    assert calls == [("nodelay", True), "connect"]


def test_binder_configures_it():
    from pathlib import Path

    post_build = (Path(__file__).resolve().parents[1] / "binder" / "postBuild").read_text()
    assert "flux_widgets.widgets.nodelay.NoDelayKernelWebsocketConnection" in post_build
