"""Questions the network's state raises, one at a time, under the narration.

After every change the panel asks :func:`flux_widgets.symptoms.diagnose` what the state
shows worth explaining (a dead ReLU, a saturated neuron, an MSE that went up, vanishing
gradients) and poses the first one not yet answered as a one-line question; **Show
answer** reveals the explanation with the engine's numbers. A broken network chosen
from the presets (:mod:`flux_widgets.presets`) poses its own question first, until it
is answered. Never more than one question is on screen: the line waits while predict
mode's question does (``waiting``); the **Hints** switch turns them off (and on again).

:class:`Hints` is a view (:mod:`.view`): a new network clears what was answered.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..symptoms import Symptom, diagnose
from .view import View

__all__ = ["Hints"]


class Hints(View):
    """``switch`` (the Hints toggle, on at first), ``widget`` (the question, **Show answer**
    and the answer), ``current`` (the :class:`~flux_widgets.symptoms.Symptom` on screen, or
    ``None``) and ``revealed`` (whether its answer shows). ``waiting()`` says whether another
    question is on screen; the line is hidden (and keeps its question) while it is."""

    def __init__(self, waiting=lambda: False):
        self.waiting = waiting  # True while another question (predict mode's) is on screen
        self.stepper = self.current = None
        self.revealed = False
        self.answered = set()  # keys of the questions whose answers were shown
        self.switch = widgets.ToggleButton(
            value=True, description="Hints", icon="lightbulb-o",
            tooltip="Ask about what the network's state shows: dead or saturated neurons, "
                    "an MSE that went up, vanishing gradients")
        self.question = widgets.HTML()
        self.show_button = widgets.Button(description="Show answer", icon="eye",
                                          tooltip="Reveal the explanation of this question")
        self.answer = widgets.HTML()
        self.answer.add_class("flux-hint-answer")
        self.widget = widgets.VBox([widgets.HBox([self.question, self.show_button]),
                                    self.answer])
        self.widget.add_class("flux-hint")
        self.show_button.on_click(lambda _: self.show_answer())
        self.switch.observe(lambda _: self._refresh(), "value")
        self.redraw()

    # ---- the view interface ----------------------------------------------

    def network_replaced(self, stepper):
        self.stepper, self.current, self.revealed = stepper, None, False
        self.answered = set()
        self._refresh()

    def step_happened(self, change):
        self._refresh()

    # ---- what the learner does ---------------------------------------------

    def pose(self, symptom):
        """Put ``symptom`` (a :class:`~flux_widgets.symptoms.Symptom`) on screen, unanswered,
        in place of any other; it stays until its answer is shown."""
        self.current, self.revealed = symptom, False
        self.answered.discard(symptom.key)
        self.redraw()

    def show_answer(self):
        """Reveal the answer of the question on screen; returns it (``None`` if there is no
        question)."""
        if self.current is None or not self.switch.value or self.waiting():
            return None
        self.revealed = True
        self.answered.add(self.current.key)
        self.redraw()
        return self.current.answer

    def set_on(self, on):
        self.switch.value = bool(on)

    # ---- drawing ---------------------------------------------------------

    def _refresh(self):
        """Pose the first question the state raises that was not answered; keep an
        unanswered preset's question, and an answer shown while nothing new comes up."""
        preset_waits = (self.current is not None and self.current.kind == "preset"
                        and not self.revealed)
        if self.stepper is None or not self.switch.value or preset_waits:
            self.redraw()
            return
        fresh = [symptom for symptom in diagnose(self.stepper)
                 if symptom.key not in self.answered]
        same = [symptom for symptom in fresh if self.current is not None
                and not self.revealed and symptom.key == self.current.key]
        if same:  # the same question still stands, with today's numbers
            self.current = same[0]
        elif fresh:
            self.current, self.revealed = fresh[0], False
        elif not self.revealed:
            self.current = None
        self.redraw()

    def redraw(self):
        """Draw the question on screen (again when another question came or went: see
        ``waiting``)."""
        symptom = self.current if self.switch.value and not self.waiting() else None
        shown = "flex" if symptom is not None else "none"
        self.widget.layout.display = shown
        if symptom is None:
            self.question.value = self.answer.value = ""
            return
        self.question.value = (f"<span role='note'><b>Think:</b> "
                               f"{html.escape(symptom.question, quote=False)}</span>")
        self.show_button.disabled = self.revealed
        self.answer.value = (f"<div role='status'><b>Answer:</b> "
                             f"{html.escape(symptom.answer, quote=False)}</div>"
                             if self.revealed else "")


def preset_question(name, preset):
    """The :class:`~flux_widgets.symptoms.Symptom` that poses broken network ``preset``'s
    question (kind ``"preset"``), answered by its explanation."""
    return Symptom("preset", ("preset", name), preset.question, preset.explanation)
