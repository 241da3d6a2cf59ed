"""The panel's predict mode: a question before a Step, the answer graded after it.

With the **Predict** switch on, a Step of one computation or one layer (the Step button,
→, PageDown, Space) first asks a question about what it will compute
(:func:`flux_widgets.predict.ask`, seeded by the panel's ``predict_seed``) and waits: the
learner picks an answer (or types a number, or a weight's ``row, column``) and presses
**Answer**; the step then runs and the answer is graded with the engine's numbers
(:func:`flux_widgets.predict.grade`), the *why* shown under it and the score counted.
**Skip** runs the step without a grade. The bigger steps (Forward pass, Backward pass,
Whole iteration, Train and their keys) do not ask: they withdraw a question waiting.
Step back after a reveal returns to the question, unanswered (the score keeps the first
answer). Where no question fits a computation (a bias update), the step runs at once.

:class:`Predicting` is a view (:mod:`.view`): a new network withdraws the question; a
step back to the place of the last question asks it again.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import checks
from ..errors import ConfigurationError
from ..predict import ask, grade
from .view import View

__all__ = ["Predicting", "ASKED_AT"]

ASKED_AT = ("computation", "layer")  # the step sizes predict mode asks at


def _typed_answer(question, text):
    """What the learner typed, as :func:`~flux_widgets.predict.grade` takes it: a weight's
    ``row, column`` for ``largest_change``, a number otherwise."""
    if question.kind == "largest_change":
        parts = str(text).replace(";", ",").split(",")
        if len(parts) != 2:
            raise ConfigurationError(f"type the weight's row and column, e.g. 2, 3; got {text!r}")
        return tuple(checks.parse_whole_number(part, what)
                     for part, what in zip(parts, ("the row", "the column")))
    return checks.parse_finite_real(text, "your value", "0.25")


class Predicting(View):
    """Predict mode for ``panel``: ``switch`` (the Predict toggle), ``widget`` (the question,
    the answer controls, the verdict and the score), ``question`` (waiting, or ``None``),
    ``right`` and ``asked`` (the score)."""

    def __init__(self, panel, seed=0):
        self.panel = panel
        self.seed = checks.whole_number(seed, "predict_seed", 0, checks.MAX_SEED)
        self.question = self._granularity = None
        self._revealed = None  # (question, granularity) of the last answer shown
        self.right = self.asked = 0
        self.switch = widgets.ToggleButton(
            description="Predict", icon="question-circle",
            tooltip="Predict mode: before a Step, answer a question about what it computes")
        self.prompt = widgets.HTML()
        self.choices = widgets.ToggleButtons(options=[], value=None, description="Your answer",
                                             style={"description_width": "initial"})
        self.typed = widgets.Text(description="Your answer", placeholder="e.g. 0.25",
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="260px"))
        self.answer_button = widgets.Button(description="Answer", icon="check",
                                            button_style="info",
                                            tooltip="Run the step and compare your answer")
        self.skip_button = widgets.Button(description="Skip", icon="forward",
                                          tooltip="Run the step without answering")
        self.verdict = widgets.HTML()
        self.score = widgets.HTML()
        self.asking = widgets.VBox([self.prompt, widgets.HBox(
            [self.choices, self.typed, self.answer_button, self.skip_button])])
        self.widget = widgets.VBox([self.asking, self.verdict, self.score])
        self.widget.add_class("flux-predict")
        self._show()

    # ---- the mode --------------------------------------------------------

    @property
    def on(self):
        return self.switch.value

    def set_on(self, on):
        """Switch predict mode on or off (off withdraws a question waiting)."""
        self.switch.value = bool(on)
        if not on:
            self.withdraw()
        self._show()

    def wants_to_ask(self, granularity):
        """Whether a Step of ``granularity`` asks first (with a question already waiting,
        such a Step is refused until it is answered or skipped)."""
        return self.on and granularity in ASKED_AT

    def ask(self, stepper, granularity):
        """Pose the question for the next step of ``granularity``; ``None`` if none fits."""
        self.question = ask(stepper, granularity, self.seed)
        self._granularity = granularity if self.question else None
        self.verdict.value = ""
        self._show()
        return self.question

    def withdraw(self):
        """Drop the question waiting, if any (a bigger step, training, a new network)."""
        if self.question is not None:
            self.question = self._granularity = None
            self._show()

    # ---- answering -------------------------------------------------------

    def chosen_answer(self):
        """The answer on screen: the choice picked, or the text typed, parsed."""
        if self.question.choices:
            if self.choices.value is None:
                raise ConfigurationError("pick an answer first: "
                                         + ", ".join(self.question.choices))
            return self.choices.value
        return _typed_answer(self.question, self.typed.value)

    def reveal(self, answer):
        """Grade ``answer`` on the network after the step asked about ran."""
        question, self.question = self.question, None
        verdict = grade(question, answer, self.panel.network)
        first_time = self._revealed is None or self._revealed[0] != question
        if first_time:
            self.asked += 1
            self.right += verdict.correct
        self._revealed = (question, self._granularity)
        self._granularity = None
        mark = "✓" if verdict.correct else "✗"
        self.verdict.value = (f"<div role='status'><b>{mark} {html.escape(verdict.text.splitlines()[0])}</b>"
                              f"<pre style='white-space:pre-wrap;margin:2px 0'>"
                              f"{html.escape(chr(10).join(verdict.text.splitlines()[1:]))}</pre></div>")
        self._show()
        return verdict

    def granularity(self):
        return self._granularity

    def set_score(self, right, asked):
        """Show the score ``right`` of ``asked`` (a loaded session's, 0 ≤ right ≤ asked)."""
        self.right, self.asked = right, asked
        self._show()

    # ---- the view interface ----------------------------------------------

    def network_replaced(self, stepper):
        self._revealed = None
        self.verdict.value = ""
        self.withdraw()

    def step_happened(self, change):
        """A question waiting is withdrawn when the network moves to another place (a step
        back, a reset, training); after a step back to the place of the last reveal, that
        question is asked again."""
        if change.step is not None or not self.on:
            return
        place = (change.network.iteration, change.stepper.position)
        if self.question is not None and (self.question.iteration,
                                          self.question.position) != place:
            self.withdraw()
        if self._revealed is None or self.question is not None:
            return
        question, granularity = self._revealed
        if (question.iteration, question.position) == place:
            self.question, self._granularity = question, granularity
            self.verdict.value = ""
            self._show()

    # ---- drawing ---------------------------------------------------------

    def _show(self):
        question = self.question
        self.widget.layout.display = None if self.on else "none"
        self.asking.layout.display = None if question else "none"
        if question:
            self.prompt.value = (f"<b>Predict:</b> {html.escape(question.prompt)}")
            self.choices.options = list(question.choices)
            self.choices.value = None
            self.choices.layout.display = None if question.choices else "none"
            self.typed.value = ""
            self.typed.placeholder = "row, column" if question.kind == "largest_change" \
                else "e.g. 0.25"
            self.typed.layout.display = "none" if question.choices else None
        self.score.value = (f"Predictions: {self.right} right of {self.asked}"
                            if self.asked else "Predictions: none answered yet")
