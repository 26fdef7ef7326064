"""The Backpropagation lesson: the shopping graph two ways, the three-way gradient check with its
verdicts, and every layer example against finite differences (and the notes' wrong bias gradient)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nnviz.core.expr import Expression
from nnviz.data.mnist import load_mnist_subset
from nnviz.lessons import backprop as lesson

GOLDEN = {"apple": 2.2, "apple_num": 110, "orange": 3.3, "orange_num": 165, "tax": 650}


def test_shopping_graph_and_book_layers_give_the_golden_numbers() -> None:
    run = lesson.shopping(*lesson.SHOPPING_DEFAULTS)
    total, by_layers = lesson.shopping_by_layers(*lesson.SHOPPING_DEFAULTS)
    assert run.result == pytest.approx(715, abs=1e-9) and total == pytest.approx(715, abs=1e-9)
    assert dict(run.variable_gradients) == pytest.approx(GOLDEN, abs=1e-9)
    assert by_layers == pytest.approx(GOLDEN, abs=1e-9)


@pytest.mark.parametrize("values", [(120.0, 4.0, 90.0, 1.0, 1.25), (0.0, 0.0, 10.0, 7.0, 0.5)])
def test_shopping_gradients_follow_the_closed_form(values: tuple[float, ...]) -> None:
    """total = (a·n + o·m)·t: ∂/∂a = n·t, ∂/∂n = a·t, ∂/∂o = m·t, ∂/∂m = o·t, ∂/∂t = a·n + o·m."""
    a, n, o, m, tax = values
    grads = dict(lesson.shopping(*values).variable_gradients)
    assert grads == pytest.approx({"apple": n * tax, "apple_num": a * tax, "orange": m * tax, "orange_num": o * tax,
                                   "tax": a * n + o * m})
    assert lesson.shopping_by_layers(*values)[1] == pytest.approx(grads)


def test_gradient_check_agrees_on_a_smooth_formula() -> None:
    checks = lesson.check_gradients("x*y + sin(x*y) + exp(z)", lesson.FORMULA_VARIABLES, (0.3, -1.2, 0.5))
    assert [c.variable for c in checks] == ["x", "y", "z"]
    assert all(c.verdict == "agree" for c in checks)
    assert checks[2].backprop == pytest.approx(np.exp(0.5), rel=1e-12)


def test_gradient_check_lists_only_used_variables() -> None:
    checks = lesson.check_gradients("x**2", lesson.FORMULA_VARIABLES, (1.5, 0.0, 0.0))
    assert [(c.variable, c.backprop) for c in checks] == [("x", 3.0)]


@pytest.mark.parametrize(("text", "point", "verdict"), [
    ("relu(x)", (0.0, 0.0, 0.0), "kink"),
    ("abs(x - y)", (0.5, 0.5, 0.0), "agree"),  # a kink, but sign(0) = 0 is also the two slopes' average
    ("max(x, y)", (1.0, 1.0, 0.0), "kink"),
    ("log(x)", (-1.0, 0.0, 0.0), "undefined"),
    ("relu(x)", (0.25, 0.0, 0.0), "agree"),
])
def test_gradient_check_says_where_and_why_it_disagrees(text: str, point: tuple, verdict: str) -> None:
    checks = lesson.check_gradients(text, lesson.FORMULA_VARIABLES, point)
    assert checks[0].verdict == verdict


def test_at_relus_kink_the_three_methods_give_three_conventions() -> None:
    (check,) = lesson.check_gradients("relu(x)", lesson.FORMULA_VARIABLES, (0.0, 0.0, 0.0))
    assert (check.backprop, check.symbolic) == (0.0, 0.0)
    assert check.numeric == pytest.approx(0.5), "the central difference averages the two slopes"


@pytest.mark.parametrize("kind", lesson.LAYERS)
@pytest.mark.parametrize("batch", [1, 3])
def test_every_layer_example_passes_its_gradient_check(kind: str, batch: int) -> None:
    example = lesson.layer_example(kind, batch, 4)
    tolerance = 2e-5 if kind == "softmax" else 1e-8  # the loss has δ = 1e-7 inside its log: ≈ δ/y
    assert max(example.errors()) < tolerance
    for item, grad in zip(example.inputs, example.grads):
        assert grad.value.shape == item.value.shape


def test_affine_example_against_pytorch_autograd() -> None:
    example = lesson.layer_example("affine", 3, 2)
    x, w, b = (torch.tensor(item.value, requires_grad=True) for item in example.inputs)
    dout = torch.tensor(example.upstream.value)
    ((x @ w + b) * dout).sum().backward()
    for ours, theirs in zip(example.grads, (x, w, b)):
        np.testing.assert_allclose(ours.value, theirs.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(example.grads[2].value, example.upstream.value.sum(axis=0))


def test_softmax_with_loss_example_is_y_minus_t_over_n() -> None:
    example = lesson.layer_example("softmax", 4, 1)
    a, t = example.inputs[0].value, example.upstream.value
    y = torch.softmax(torch.tensor(a), dim=1).numpy()
    np.testing.assert_allclose(example.grads[0].value, (y - t) / 4, atol=1e-12)


def test_the_notes_bias_gradient_fails_the_check() -> None:
    right = lesson.layer_example("affine", 2, 0)
    wrong = lesson.layer_example("affine", 2, 0, db_is_one=True)
    assert right.errors()[2] < 1e-8 and wrong.errors()[2] > 0.1
    assert wrong.errors()[:2] == right.errors()[:2]


def test_results_are_read_only() -> None:
    example = lesson.layer_example("relu", 2, 0)
    with pytest.raises(ValueError):
        example.grads[0].value[0, 0] = 1.0


def test_hand_network_goldens_of_deck_002() -> None:
    net = lesson.hand_network(())
    assert round(net.total_error, 9) == 0.298371109
    assert round(net.updated["w5"], 8) == 0.35891648
    assert round(net.updated["w1"], 9) == 0.149780716
    assert net.total_after < net.total_error


def _torch_hand(values: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The same network written out in PyTorch, differentiated by autograd."""
    p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k in lesson.WEIGHTS) for k, v in values.items()}
    h1 = torch.sigmoid(p["w1"] * p["i1"] + p["w2"] * p["i2"] + p["b1"])
    h2 = torch.sigmoid(p["w3"] * p["i1"] + p["w4"] * p["i2"] + p["b1"])
    o1 = torch.sigmoid(p["w5"] * h1 + p["w6"] * h2 + p["b2"])
    o2 = torch.sigmoid(p["w7"] * h1 + p["w8"] * h2 + p["b2"])
    error = 0.5 * (p["t1"] - o1) ** 2 + 0.5 * (p["t2"] - o2) ** 2
    error.backward()
    return float(error), {w: float(p[w].grad) for w in lesson.WEIGHTS}


@pytest.mark.parametrize("changes", [{}, {"i1": 0.9, "w3": -0.7, "t2": 0.2}, {"b1": -1.0, "w8": 1.0, "i2": -0.4}])
def test_hand_network_against_pytorch_autograd(changes: dict[str, float]) -> None:
    values = {**lesson.HAND_DEFAULTS, **changes}
    net = lesson.hand_network(tuple(changes.items()))
    error, grads = _torch_hand(values)
    assert net.total_error == pytest.approx(error, rel=1e-12)
    assert net.weight_grads == pytest.approx(grads, rel=1e-10, abs=1e-15)
    assert net.updated == pytest.approx({w: values[w] - values["eta"] * grads[w] for w in lesson.WEIGHTS})


def test_hand_steps_list_every_number_in_order() -> None:
    steps = lesson.hand_steps(lesson.hand_network(()))
    names = [name for name, _, _ in steps]
    assert names.index("E_total") < names.index("δ_o1") < names.index("δ_h1") < names.index("w1⁺")
    assert len(steps) == 8 + 3 + 2 + 4 + 2 + 4 + 8 + 1
    assert {n: v for n, _, v in steps}["w5⁺"] == pytest.approx(0.35891648, abs=5e-9)


def _torch_two_layer(net, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:  # noqa: ANN001
    """The book's net in PyTorch: cross-entropy of softmax(relu(xW1 + b1)W2 + b2), mean over the batch."""
    p = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    scores = torch.relu(torch.tensor(x) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(t.argmax(axis=1)))
    loss.backward()
    return {k: v.grad.numpy() for k, v in p.items()}


def test_gradient_check_of_the_correct_backward_pass_passes() -> None:
    result = lesson.gradient_check(load_mnist_subset, "none")
    assert [a.name for a in result.arrays] == ["W1", "b1", "W2", "b2"]
    assert all(a.relative_error < 1e-5 for a in result.arrays)
    assert [a.checked for a in result.arrays] == [1000, 50, 500, 10]
    assert result.parameters == 784 * 50 + 50 + 50 * 10 + 10 == 39760
    assert result.numeric_passes == 79520 and result.sampled_passes == 2 * 1560


def test_backprop_of_the_check_net_equals_pytorch() -> None:
    net, x, t, _ = lesson._check_setup(load_mnist_subset)
    ours = lesson.buggy_gradient(net, x, t, "none")
    theirs = _torch_two_layer(net, x, t)
    for key in lesson.PARAMETERS:
        np.testing.assert_allclose(ours[key], theirs[key], atol=1e-12)


@pytest.mark.parametrize(("bug", "failing"), [("db_one", {"b1", "b2"}), ("no_mean", {"W1", "b1", "W2", "b2"}),
                                              ("no_mask", {"W1", "b1"})])
def test_each_bug_fails_exactly_the_arrays_it_breaks(bug: str, failing: set[str]) -> None:
    result = lesson.gradient_check(load_mnist_subset, bug)
    assert {a.name for a in result.arrays if a.relative_error > 1e-2} == failing
    assert all(a.relative_error < 1e-5 for a in result.arrays if a.name not in failing)
    if bug == "no_mean":
        assert all(a.relative_error == pytest.approx(0.5, abs=1e-5) for a in result.arrays)


def test_sigmoid_gradients_vanish_toward_the_input_and_relu_with_he_keeps_them() -> None:
    sigmoid = lesson.gradient_through_layers("sigmoid", 10, "xavier")
    relu = lesson.gradient_through_layers("relu", 10, "he")
    assert len(sigmoid) == len(relu) == 11
    assert np.all(np.diff(sigmoid[:-1]) > 0), "smaller at every step toward the input"
    assert sigmoid[0] / sigmoid[-1] < 1e-5
    assert 0.05 < relu[0] / relu[-1] < 1 and np.ptp(np.log10(relu[:-1])) < 0.5


def test_weight_gradient_sizes_against_pytorch() -> None:
    """A 3-hidden-layer sigmoid stack rebuilt in PyTorch from the same weights and data."""
    from nnviz.core.net import MultiLayerNet

    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(100, 100)), rng.integers(0, 10, size=100)
    net = MultiLayerNet(100, [100] * 3, 10, "sigmoid", "xavier", seed=0, dtype=np.float64)
    params = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    h = torch.tensor(x)
    for i in range(1, 4):
        h = torch.sigmoid(h @ params[f"W{i}"] + params[f"b{i}"])
    torch.nn.functional.cross_entropy(h @ params["W4"] + params["b4"], torch.tensor(t)).backward()
    expected = [float(params[f"W{i}"].grad.pow(2).mean().sqrt()) for i in range(1, 5)]
    np.testing.assert_allclose(lesson.gradient_through_layers("sigmoid", 3, "xavier"), expected, rtol=1e-10)


def test_first_to_last_ratio() -> None:
    assert lesson.first_to_last(np.array([1e-6, 1e-3, 1e-2])) == pytest.approx(1e-4)
    assert np.isnan(lesson.first_to_last(np.array([0.0, 0.0])))


def test_a_derivative_sympy_cannot_evaluate_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """If SymPy's derivative cannot be evaluated (lambdify raised TypeError on max(x, 2/relu(x)) before
    the parser's hardening), the check says so and still compares backprop with the central difference."""
    class Refusing:
        """A derivative that cannot be evaluated: everything else as SymPy's."""

        def __init__(self, inner: Expression) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

        def __call__(self, *_: float) -> float:
            raise TypeError("Invalid comparison of non-real zoo")

    diff = Expression.diff
    monkeypatch.setattr(Expression, "diff", lambda self, name: Refusing(diff(self, name)))
    lesson.check_gradients.cache_clear()
    (check,) = lesson.check_gradients("max(x, 2/relu(x))", lesson.FORMULA_VARIABLES, (0.5, 0.0, 0.0))
    lesson.check_gradients.cache_clear()
    assert check.verdict == "no_symbolic" and check.symbolic is None
    assert check.backprop == pytest.approx(-2 / 0.25) == pytest.approx(check.numeric, rel=1e-6)


def test_max_of_a_reciprocal_relu_now_agrees_three_ways() -> None:
    (check,) = lesson.check_gradients("max(x, 2/relu(x))", lesson.FORMULA_VARIABLES, (0.5, 0.0, 0.0))
    assert check.verdict == "agree" and check.symbolic == pytest.approx(-8.0, rel=1e-12)
