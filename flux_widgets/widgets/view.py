"""The one interface every view of the panel shares.

A view shows the network on screen: a matrix table, the diagram, the cost chart, the
output map, the inspector of a clicked edge or neuron. The panel keeps a list of
views and tells each of them two things, the same way:

- :meth:`View.network_replaced` — a network was formed, loaded or pasted (the
  stepper on screen is a new one);
- :meth:`View.step_happened` — the network on screen changed: a step, a step back, a
  reset, a chunk of training, a weight set by hand. The :class:`Change` says what was
  written, so a view redraws only what it shows of that.

A view reads the engine's named matrices and the last ``Step``; it computes no math of
its own. Its ``widget`` is made once, with the view, and stays the same object for the
panel's life (its contents change), so the panel lays it out once.

Adding a view is writing a class with these members and adding it to the panel's list
(``Panel._make_views``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .closing import close_widgets

__all__ = ["Change", "View"]


@dataclass(frozen=True)
class Change:
    """What changed in the network on screen.

    ``stepper``: the :class:`~flux_widgets.stepper.Stepper` on screen.
    ``written``: ``((layer, matrix name), ...)`` the change wrote (``"cost"`` for the
    cost), or ``None`` when anything may have changed (a step back, a reset, training,
    a new network).
    ``step``: the :class:`~flux_widgets.stepper.Step` that ran, or ``None``.
    """

    stepper: object
    written: tuple = None
    step: object = None

    @property
    def network(self):
        return self.stepper.network

    def wrote(self, names):
        """Whether the change may have written any matrix named in ``names``."""
        return self.written is None or any(name in names for _, name in self.written)

    @property
    def active_layer(self):
        """The layer of the last computation the stepper ran, or ``None``."""
        last = self.stepper.last_step
        return last.computations[-1].layer if last and last.computations else None


class View:
    """Base of the panel's views: ``widget``, :meth:`network_replaced`, :meth:`step_happened`.

    Subclasses make ``self.widget`` in their constructor and override the two methods.
    """

    widget = None

    def network_replaced(self, stepper):
        """Show ``stepper``'s network (formed, loaded or pasted) from scratch."""
        raise NotImplementedError

    def step_happened(self, change):
        """Redraw what :class:`Change` ``change`` wrote."""
        raise NotImplementedError

    def close(self):
        """Close every widget of the view."""
        close_widgets([self.widget])
