"""Chapter 09's capstone exercises: the whole backward pass (5) and a gradient checker (6)."""

import numpy as np
import pytest

import flux_widgets as fw
from flux_widgets.exercises import chapter09
from flux_widgets.exercises.chapter09 import _NAMES, _backward


def official(exercise):
    function, whose = chapter09.yours_or_solution(exercise, None)
    assert whose == "the official solution"
    return function


@pytest.fixture(scope="module")
def backward_pass():
    return chapter09.back_propagation()


@pytest.fixture(scope="module")
def checker():
    return chapter09.gradient_checker()


def test_the_hidden_networks_cover_every_activation_depth_and_n_equal_1(backward_pass):
    networks = [case[0] for case in backward_pass.cases()]
    outputs = {network.output_activation for network in networks}
    hidden = {kind for network in networks for kind in network.hidden_activations}
    elementwise = {kind for kind in fw.ActivationType if kind.record.elementwise}
    assert outputs == hidden == elementwise
    # the one activation the capstone leaves out, softmax (whose h' is a whole Jacobian)
    assert set(fw.ActivationType) - elementwise == {fw.ActivationType.SOFTMAX}
    assert {len(network.neural_layers) - 1 for network in networks} == {1, 2, 3}
    assert 1 in {network.sample_size for network in networks}
    assert sum(network.outputMatrix.shape[1] > 1 for network in networks) >= 5
    for network in networks:   # the backward matrices are hidden: nan
        for layer in network.neural_layers:
            assert all(np.isnan(layer.matrices[f"{name}_matrix"]).all() for name in _NAMES)


def test_the_plain_numpy_backward_pass_is_the_engines(backward_pass):
    for (network,) in backward_pass.cases():
        right = backward_pass._reference((network,))
        mine = chapter09._flat(_backward(network), len(network.neural_layers))[0]
        assert list(mine) == list(right)   # Back_Propagation's order: last layer first
        for key in right:
            assert np.allclose(mine[key], right[key], rtol=1e-12, atol=1e-15), key


def test_the_answer_may_be_dicts_tuples_or_the_engines_matrix_names(backward_pass):
    solution = official(backward_pass)
    assert backward_pass.check(solution)
    assert backward_pass.check(lambda network: [tuple(layer.values())
                                                for layer in solution(network)])
    assert backward_pass.check(lambda network: [{f"{name}_matrix": value for name, value
                                                 in layer.items()} for layer in solution(network)])
    reversed_ = backward_pass.check(lambda network: solution(network)[::-1] + [None])
    assert not reversed_ and "one entry per layer, first to last" in reversed_.message
    extra = backward_pass.check(lambda network: [dict(layer, cost=1.0)
                                                 for layer in solution(network)])
    assert not extra and "it should have exactly dC_dy, dh_da, dC_da, dC_dw, dC_db" in extra.message


@pytest.mark.parametrize("method", ["compute_dC_dw", "Dh_Da_Function", "compute_hidden_dC_dy"])
def test_the_engines_backward_steps_are_refused(backward_pass, method):
    solution = official(backward_pass)

    def calls_the_layer(network):
        getattr(network.neural_layers[0], method)(*([network.neural_layers[1]]
                                                   if method == "compute_hidden_dC_dy" else []))
        return solution(network)

    feedback = backward_pass.check(calls_the_layer)
    assert not feedback and f"calls flux_widgets's Neural_Layer.{method}" in feedback.message
    assert not backward_pass.check(lambda network: (fw.Back_Propagation(network),
                                                    solution(network))[1])


def test_a_slip_in_some_layers_only_names_the_first_wrong_matrix_and_the_slip(backward_pass):
    def hidden_without_h_prime(network):
        return _backward(network, "no_h_prime", at=set(range(1, len(network.neural_layers))))

    feedback = backward_pass.check(hidden_without_h_prime).message
    assert "layer 1's dC_da is the first wrong matrix in Back_Propagation's order" in feedback
    assert "Likely: h'(a) is missing" in feedback

    def seed_factor_in_the_last_layer(network):
        return _backward(network, "seed_factor", at={len(network.neural_layers)})

    feedback = backward_pass.check(seed_factor_in_the_last_layer).message
    assert "layer 2's dC_dw is the first wrong matrix" in feedback
    assert "Likely: dC_dw has the seed's §4.2 extra factor" in feedback
    assert "A central difference of the cost" in feedback and "yours is" in feedback
    assert feedback.index("first wrong matrix") < feedback.index("\nHint: ")


def test_a_wrong_matrix_that_is_no_known_slip_gets_the_facts_and_a_finite_difference(backward_pass):
    solution = official(backward_pass)

    def off_bias(network):
        layers = solution(network)
        layers[-1]["dC_db"] = layers[-1]["dC_db"] + 0.125
        return layers

    feedback = backward_pass.check(off_bias).message
    assert "layer 2's dC_db is the first wrong matrix" in feedback and "Likely" not in feedback
    assert "A central difference of the cost" in feedback
    copied = backward_pass.check(lambda network: [
        {name: layer.matrices[f"{name}_matrix"] for name in _NAMES}
        for layer in network.neural_layers]).message
    assert "holds nan" in copied and "layer 2's dC_dy is the first wrong matrix" in copied


def test_the_lessons_reference_function_fails(backward_pass):
    namespace = {"np": np}
    exec("def numpy_backpropagation(x, t, weights, biases):\n    return 0.0, []", namespace)
    feedback = backward_pass.check(namespace["numpy_backpropagation"])
    assert not feedback and "raised TypeError" in feedback.message


def test_the_checker_accepts_any_forward_cost_and_names_a_weight_not_put_back(checker):
    def with_forward_pass(network, layer, eps, analytic):
        W = network.neural_layers[layer - 1].weights_matrix
        estimate = np.zeros_like(W)

        def cost():
            fw.Forward_Pass(network)
            return np.sum((network.output - network.outputMatrix) ** 2) / network.sample_size

        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = W[i, j]
                W[i, j] = w + eps
                up = cost()
                W[i, j] = w - eps
                down = cost()
                W[i, j] = w
                estimate[i, j] = (up - down) / 2 / eps
        return estimate, abs(estimate - analytic) / np.maximum(abs(estimate), abs(analytic))

    assert checker.check(with_forward_pass)
    assert checker.check(official(checker))
    refused = checker.check(lambda network, layer, eps, analytic: fw.derivation.finite_difference(
        network, layer, "weights", 0, 0, eps))
    assert not refused and "finite_difference" in refused.message
    worst = [official(checker)(*case)[1].max() for case in checker.cases()]
    assert min(worst) < 1e-4 < 1e-1 < max(worst)   # right analytic gradients, and wrong ones

    def not_put_back(network, layer, eps, analytic):
        W = network.neural_layers[layer - 1].weights_matrix
        estimate = np.zeros_like(W)
        for (i, j), w in np.ndenumerate(W.copy()):
            W[i, j] += eps
            up = fw.network_cost(network)
            W[i, j] -= 2 * eps
            estimate[i, j] = (up - fw.network_cost(network)) / (2 * eps)
        return estimate, abs(estimate - analytic) / np.maximum(abs(estimate), abs(analytic))

    assert "you did not put each weight back" in checker.check(not_put_back).message


def test_yours_or_solution_uses_the_learners_function_once_it_answers(checker):
    def mine(network, layer, eps, analytic):
        return analytic, analytic * 0
    case = checker.cases()[0]
    assert chapter09.yours_or_solution(checker, mine, *case) == (mine, "yours")
    function, whose = chapter09.yours_or_solution(checker, lambda *arguments: None, *case)
    assert whose == "the official solution" and checker.check(function)
