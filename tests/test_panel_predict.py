"""The panel's predict mode (issue 15): a Step asks first, Answer runs it and grades,
and every other control either withdraws the question or comes back to it."""

import numpy as np
import pytest

pytest.importorskip("anywidget")

from flux_widgets.errors import ConfigurationError  # noqa: E402
from flux_widgets.predict import ask  # noqa: E402
from flux_widgets.widgets.panel import Panel  # noqa: E402


def click(button):
    """A click as the browser sends it."""
    button._handle_button_msg(None, {"event": "click"}, [])


def key(panel, name):
    return panel.handle_key({"event": "keydown", "key": name})


@pytest.fixture
def panel():
    panel = Panel()
    panel.set_predicting(True)
    return panel


def some_answer(question):
    """A well-formed answer, typed or picked on screen."""
    if question.choices:
        return question.choices[0]
    return "1, 1" if question.kind == "largest_change" else "0.5"


def put_on_screen(panel, answer):
    predicting = panel.predicting
    if predicting.question.choices:
        predicting.choices.value = answer
    else:
        predicting.typed.value = answer


def test_a_step_asks_first_and_answer_runs_it_and_grades(panel):
    state = panel.network.state.copy()
    assert panel.step("computation") is None  # asked, not stepped
    question = panel.predicting.question
    assert question == ask(panel.stepper, "computation", 0)
    assert np.array_equal(panel.network.state, state) and panel.stepper.position == 0
    assert "Predict first" in panel.narration.value
    assert panel.predicting.asking.layout.display is None  # the question is on screen
    assert question.prompt in panel.predicting.prompt.value.replace("&#x27;", "'")
    click(panel.step_button)  # again: refused until answered
    assert panel.stepper.position == 0 and "answer the question" in panel.narration.value
    put_on_screen(panel, some_answer(question))
    click(panel.predicting.answer_button)
    assert panel.stepper.position == 1 and panel.predicting.question is None
    assert panel.predicting.asked == 1 and "Predictions:" in panel.predicting.score.value
    assert ("✓" in panel.predicting.verdict.value) == (panel.predicting.right == 1)
    assert "Iteration 1" in panel.narration.value  # the step's own narration


def test_a_right_answer_scores_and_the_why_has_the_engines_numbers(panel):
    # walk to a sign question about dC_dw, then answer it right from a twin
    for _ in range(200):
        question = ask(panel.stepper, "computation", 0)
        if question is not None and question.matrix == "dC_dw_matrix":
            break
        panel.predicting.set_on(False)
        panel.step("computation")
        panel.predicting.set_on(True)
    layer = panel.network.neural_layers[question.layer - 1]
    value = (layer.input_matrix.T @ layer.dC_da_matrix)[question.entry]
    right = "positive" if value > 0 else "negative" if value < 0 else "zero"
    panel.step("computation")
    verdict = panel.answer(right)
    assert verdict.correct and panel.predicting.right == panel.predicting.asked == 1
    assert "sum over samples" in verdict.why  # the derivation with numbers


def test_a_layer_step_asks_too_and_runs_the_whole_layer(panel):
    panel.granularity.value = "layer"
    key(panel, "ArrowRight")  # the keys ask as the button does
    question = panel.predicting.question
    assert question is not None and panel.stepper.position == 0
    panel.answer(some_answer(question) if question.choices else
                 (1, 1) if question.kind == "largest_change" else 0.5)
    first_layer = [c for c in panel.stepper.computations if c.layer == 1 and c.phase == "forward"]
    assert panel.stepper.position == len(first_layer)


def test_skip_runs_the_step_without_a_grade(panel):
    panel.step("computation")
    click(panel.predicting.skip_button)
    assert panel.stepper.position == 1 and panel.predicting.asked == 0
    assert panel.predicting.question is None


@pytest.mark.parametrize("action", ["iteration", "forward", "train"])
def test_bigger_steps_do_not_ask_and_withdraw_a_waiting_question(panel, action):
    panel.step("computation")
    assert panel.predicting.question is not None
    {"iteration": lambda: click(panel.iteration_button),
     "forward": lambda: click(panel.forward_button),
     "train": lambda: panel.train(2)}[action]()
    assert panel.predicting.question is None
    assert (panel.stepper.position, panel.network.iteration) != (0, 0)  # it ran, unasked


def test_step_back_after_a_reveal_asks_the_same_question_again(panel):
    panel.step("computation")
    question = panel.predicting.question
    panel.answer(some_answer(question) if question.choices else 0.5)
    click(panel.undo_button)
    assert panel.stepper.position == 0 and panel.predicting.question == question
    assert "question of this step again" in panel.narration.value
    panel.answer(some_answer(question) if question.choices else 0.5)
    assert panel.predicting.asked == 1  # the score keeps the first answer
    assert panel.stepper.position == 1


def test_step_back_while_a_question_waits_withdraws_it(panel):
    panel.predicting.set_on(False)
    panel.step("computation")
    panel.predicting.set_on(True)
    panel.step("computation")
    if panel.predicting.question is None:
        pytest.skip("no question at this place")
    click(panel.undo_button)  # back to before the step that was not asked about
    assert panel.stepper.position == 0 and panel.predicting.question is None


def test_switching_off_withdraws_and_steps_at_once(panel):
    panel.step("computation")
    panel.predicting.switch.value = False  # the toggle as the browser sets it
    assert panel.predicting.question is None and panel.predicting.widget.layout.display == "none"
    click(panel.step_button)
    assert panel.stepper.position == 1


def test_a_new_network_withdraws_the_question(panel):
    panel.step("computation")
    assert panel.form_network()
    assert panel.predicting.question is None and panel.predicting.on


@pytest.mark.parametrize("typed", ["abc", "", "nan", "1e400", "3", "1, 2, 3"])
def test_a_malformed_answer_is_refused_with_a_message_and_no_step(panel, typed):
    panel.step("computation")
    question = panel.predicting.question
    if question.choices:
        panel.predicting.choices.value = None  # nothing picked
    else:
        panel.predicting.typed.value = typed
    click(panel.predicting.answer_button)
    if question.choices or typed in ("abc", "", "nan", "1e400", "1, 2, 3"):
        assert panel.stepper.position == 0 and panel.narration.value.startswith("⚠")
        assert panel.predicting.question == question  # still waiting
    with pytest.raises(ConfigurationError):
        panel.answer("not an answer" if not question.choices else "maybe")


def test_answering_with_no_question_is_refused(panel):
    with pytest.raises(ConfigurationError, match="no question"):
        panel.answer("yes")
    click(panel.predicting.answer_button)
    assert panel.narration.value.startswith("⚠") and panel.stepper.position == 0


def test_the_seed_chooses_the_questions(panel):
    other = Panel(predict_seed=5)
    other.set_predicting(True)
    questions = set()
    for seed_panel in (panel, other):
        seed_panel.step("computation")
        questions.add(seed_panel.predicting.question)
    again = Panel(predict_seed=5)
    again.set_predicting(True)
    again.step("computation")
    assert again.predicting.question == other.predicting.question
    with pytest.raises(ConfigurationError):
        Panel(predict_seed=-1)
