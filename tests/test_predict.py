"""Predict mode's questions (flux_widgets/predict.py): every kind is asked and graded, for
every activation, against answers computed here with plain numpy from the matrices
before the step; the choice is seeded by place, not by history; bad answers are refused."""

import copy

import numpy as np
import pytest

from flux_widgets import Form_Network
from flux_widgets.activations import ActivationType, activate, derivative
from flux_widgets.errors import ConfigurationError
from flux_widgets.predict import KINDS, NEAR_ZERO, ask, grade
from flux_widgets.stepper import Stepper

ACTIVATIONS = ActivationType.hidden()


def stepper_for(hidden=ActivationType.TANH, output=ActivationType.SIGMOID, seed=3,
                learning_rate=0.5, cost="mse"):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, 3))
    t = (rng.random(size=(6, 2)) > 0.5).astype(float)
    if output is ActivationType.SOFTMAX:   # one class per sample: one-hot rows
        t = np.eye(2)[(rng.random(6) > 0.5).astype(int)]
    network = Form_Network([4, 2], x, t, hidden_activation=hidden, output_activation=output,
                           seed=seed, cost=cost)
    return Stepper(network, learning_rate=learning_rate)


def expected(question, before, after, learning_rate):
    """The right answer to ``question``, from plain numpy on the network ``before`` the
    step (and the cost ``after`` it, for cost_down)."""
    layer = before.neural_layers[question.layer - 1]
    x = (before.neural_layers[question.layer - 2].activated_output_matrix
         if question.layer > 1 else layer.input_matrix)
    if question.kind == "cost_down":
        return "yes" if after.cost < before.cost else "no"
    if question.kind == "largest_change":
        changes = np.abs(learning_rate * layer.dC_dw_matrix)
        return tuple(int(i) for i in np.unravel_index(np.argmax(changes), changes.shape))
    row, column = question.entry
    a = x @ layer.weights_matrix + layer.bias_matrix
    after_layer = after.neural_layers[question.layer - 1]
    if question.kind == "value":
        if question.matrix == "weight_and_input_matrix":
            return float((x @ layer.weights_matrix)[row, column])
        if question.matrix == "weight_input_bias_matrix":
            return float(a[row, column])
        h = np.empty_like(a)
        activate(layer.activation, a, h)  # the engine's h (tested in test_activations.py)
        return float(h[row, column])
    if question.kind == "vanishing":  # h'(a) from a of the matrices before
        slope = np.empty_like(a)
        derivative(layer.activation, layer.weight_input_bias_matrix,
                   layer.activated_output_matrix, slope)
        return "yes" if abs(slope[row, column]) < NEAR_ZERO else "no"
    value = after_layer.matrices[question.matrix][row, column]
    if question.matrix == "dC_da_matrix" and layer.dC_da_from_cost:   # (y − t)/N
        value = (layer.activated_output_matrix[row, column]
                 - before.outputMatrix[row, column]) / before.sample_size
    elif question.matrix == "dC_da_matrix" and not layer.dC_da_is_product:   # the Jacobian
        h, dC_dh = layer.activated_output_matrix[row], layer.dC_dy_matrix[row]
        value = h[column] * (dC_dh[column] - dC_dh @ h)
    elif question.matrix == "dC_da_matrix":  # ∂C/∂h ⊙ h'
        value = layer.dC_dy_matrix[row, column] * layer.dh_da_matrix[row, column]
    elif question.matrix == "dC_dw_matrix":  # xᵀ·∂C/∂a
        value = (x.T @ layer.dC_da_matrix)[row, column]
    elif question.matrix == "dC_db_matrix":
        value = layer.dC_da_matrix[:, column].sum()
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


def wrong(question, right):
    """An answer that must be graded wrong."""
    if question.choices:
        return next(choice for choice in question.choices if choice != right)
    if question.kind == "largest_change":
        return (0, 1) if right == (0, 0) else (0, 0)
    return right + 1.0


def test_every_kind_is_a_complete_record():
    for name, kind in KINDS.items():
        assert kind.writes and callable(kind.make) and callable(kind.grade), name


OTHER_OUTPUTS = [(ActivationType.TANH, ActivationType.SOFTMAX, "cross_entropy"),
                 (ActivationType.RELU, ActivationType.SIGMOID, "cross_entropy"),
                 (ActivationType.SWISH, ActivationType.SOFTMAX, "mse")]


@pytest.mark.parametrize("hidden, output, cost", [
    *((hidden, ActivationType.SIGMOID if hidden.name != "SIGMOID" else ActivationType.TANH,
       "mse") for hidden in ACTIVATIONS), *OTHER_OUTPUTS], ids=str)
def test_every_kind_is_asked_and_graded_right_and_wrong(hidden, output, cost):
    stepper = stepper_for(hidden, output, cost=cost)
    asked = set()
    for _ in range(3 * len(stepper.computations)):
        for seed in range(4):
            question = ask(stepper, "computation", seed)
            if question is None:
                continue
            before = copy.deepcopy(stepper.network)
            stepper.step("computation")
            after = stepper.network
            right = expected(question, before, after, stepper.learning_rate)
            verdict = grade(question, right, after)
            assert verdict.correct, (question, right, verdict.text)
            assert verdict.why and question.prompt
            tie = False  # two weights that change equally most: both are right
            if question.kind == "largest_change":
                changes = np.abs(after.neural_layers[question.layer - 1].dC_dw_matrix)
                tie = np.sum(changes == changes.max()) > 1
            if not tie:
                assert not grade(question, wrong(question, right), after).correct, question
            asked.add(question.kind)
            stepper.undo()  # exact: the next seed asks at the same place
        stepper.step("computation")
    assert asked == set(KINDS), f"never asked: {set(KINDS) - asked}"


def test_the_same_seed_asks_the_same_question_at_the_same_place_whatever_the_history():
    one, two = stepper_for(), stepper_for()
    for _ in range(5):
        one.step("computation")
    two.step("layer")  # the first layer's forward computations at once
    while two.position < one.position:
        two.step("computation")
    assert ask(one, "computation", 7) == ask(two, "computation", 7)
    questions = {ask(one, "computation", seed) for seed in range(20)}
    assert len(questions) > 1  # the seed matters


def test_a_layer_step_asks_about_one_of_its_computations():
    stepper = stepper_for()
    layer_writes = {name for c in stepper.next_computations("layer") for name in c.writes}
    for seed in range(10):
        question = ask(stepper, "layer", seed)
        assert question.layer == 1 and question.matrix in layer_writes


def test_the_cost_question_needs_a_cost_before_it():
    stepper = stepper_for()
    cost_position = next(i for i, c in enumerate(stepper.computations) if "cost" in c.writes)
    for _ in range(cost_position):
        stepper.step("computation")
    assert all(ask(stepper, "computation", seed) is None for seed in range(5))  # iteration 1
    stepper.step("iteration")
    for _ in range(cost_position):
        stepper.step("computation")
    question = ask(stepper, "computation", 0)
    assert question.kind == "cost_down"
    before = stepper.network.cost
    stepper.step("computation")
    verdict = grade(question, "yes", stepper.network)
    assert verdict.correct == (stepper.network.cost < before)
    assert "−η·|∇C|²" in verdict.why


def test_a_value_is_not_asked_of_a_layer_too_wide_to_compute_by_hand():
    rng = np.random.default_rng(0)
    network = Form_Network([2, 1], rng.normal(size=(4, 12)), rng.random(size=(4, 1)), seed=0)
    stepper = Stepper(network)
    for seed in range(20):
        question = ask(stepper, "computation", seed)
        assert question is None or question.kind != "value"


@pytest.mark.parametrize("answer", ["maybe", None, float("nan"), "1e999", (0,), (9, 0),
                                    (0, -1), "x"])
def test_answers_of_the_wrong_form_are_refused(answer):
    stepper = stepper_for()
    kinds = set()
    for _ in range(len(stepper.computations) * 2):
        question = ask(stepper, "computation", 1)
        stepper.step("computation")
        if question is not None:
            kinds.add(question.kind)
            with pytest.raises(ConfigurationError):
                grade(question, answer, stepper.network)
    assert {"sign", "value", "largest_change"} <= kinds


def test_the_seed_is_checked():
    with pytest.raises(ConfigurationError):
        ask(stepper_for(), "computation", -1)


@pytest.mark.parametrize("hidden, output, cost", OTHER_OUTPUTS, ids=str)
def test_a_cross_entropy_or_softmax_output_gets_the_why_of_its_own_dC_da(hidden, output, cost):
    """The sign question's why follows how the layer computes ∂C/∂a, and no question asks
    whether h'(a) of such an output layer vanishes (its ∂C/∂a does not go through it)."""
    stepper = stepper_for(hidden, output, cost=cost)
    said = "(y − t)/N" if cost == "cross_entropy" else "whole Jacobian"
    seen = False
    for _ in range(len(stepper.computations)):   # one iteration, computation by computation
        if stepper.next_computations("computation")[0].writes == ("dC_da_matrix",) \
                and stepper.next_computations("computation")[0].layer == 2:
            for seed in range(40):
                question = ask(stepper, "computation", seed)
                if question is not None and question.matrix == "dC_da_matrix":
                    before = copy.deepcopy(stepper.network)
                    stepper.step("computation")
                    right = expected(question, before, stepper.network, 0.5)
                    verdict = grade(question, right, stepper.network)
                    assert verdict.correct and said in verdict.why, verdict.why
                    stepper.undo()
                    seen = True
        if "dh_da_matrix" in stepper.next_computations("computation")[0].writes \
                and stepper.next_computations("computation")[0].layer == 2:
            assert all(ask(stepper, "computation", seed) is None or
                       ask(stepper, "computation", seed).kind != "vanishing"
                       for seed in range(40))
        stepper.step("computation")
    assert seen
