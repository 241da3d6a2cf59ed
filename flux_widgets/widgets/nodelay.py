"""An opt-in for Jupyter servers: the kernel's websocket without Nagle's algorithm.

jupyter_server leaves Nagle's algorithm on for the kernel websocket. When a learner
clicks Step, or holds → down, faster than about every 40 ms, a small message waits for
the acknowledgement of the one before, which the browser delays: about 30 ms more per
round trip. Turning Nagle off (``TCP_NODELAY``) sends each message at once.

Nothing installs this: a server uses it when its configuration says so, e.g. in
``jupyter_server_config.py``::

    c.ServerApp.kernel_websocket_connection_class = (
        "flux_widgets.widgets.nodelay.NoDelayKernelWebsocketConnection")

Binder's ``postBuild`` writes that line.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = ["NoDelayKernelWebsocketConnection"]


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket connection, sending every message at once."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()
