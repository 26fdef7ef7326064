"""The 2-D data sets: shapes, labels that follow each set's rule, seeds, noise and features."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core import toy2d


@pytest.mark.parametrize("name", list(toy2d.DATASETS))
def test_shape_labels_and_seed(name: str) -> None:
    pts = toy2d.make(name, 201, seed=3)
    assert pts.x.shape == (201, 2) and pts.y.shape == (201,)
    assert set(np.unique(pts.y)) == {0, 1}
    again = toy2d.make(name, 201, seed=3)
    np.testing.assert_array_equal(pts.x, again.x)
    np.testing.assert_array_equal(pts.y, again.y)
    assert not np.array_equal(pts.x, toy2d.make(name, 201, seed=4).x)
    assert np.all(np.abs(pts.x) <= toy2d.BOX + 0.3)


@pytest.mark.parametrize("name, rule", [
    ("square", lambda p: np.max(np.abs(p), axis=1) < 0.5),
    ("diamond", lambda p: np.abs(p).sum(axis=1) < 1),
    ("xor", lambda p: p[:, 0] * p[:, 1] > 0),
    ("circles", lambda p: np.hypot(p[:, 0], p[:, 1]) < 0.6),
    ("blobs", lambda p: p.sum(axis=1) > 0),
])
def test_clean_labels_follow_the_rule(name: str, rule) -> None:  # noqa: ANN001
    pts = toy2d.make(name, 500, noise=0.0, seed=1)
    np.testing.assert_array_equal(pts.y, rule(pts.x).astype(int))


def test_slide_regions_have_the_classes_of_their_areas() -> None:
    assert toy2d.make("square", 20000, seed=0).y.mean() == pytest.approx(0.25, abs=0.01)
    assert toy2d.make("diamond", 20000, seed=0).y.mean() == pytest.approx(0.5, abs=0.01)


def test_balanced_sets_and_spiral_arms() -> None:
    for name in ("circles", "moons", "spirals", "blobs"):
        assert toy2d.make(name, 101).y.sum() == 51
    pts = toy2d.make("spirals", 400, seed=0)
    r = np.hypot(*pts.x.T)
    assert r.max() <= 1.0 + 1e-12 and r.min() >= 0.0


def test_noise_moves_points_by_its_std() -> None:
    clean, noisy = toy2d.make("circles", 4000, 0.0, seed=2), toy2d.make("circles", 4000, 0.1, seed=2)
    np.testing.assert_array_equal(clean.y, noisy.y)
    assert np.std(noisy.x - clean.x) == pytest.approx(0.1, rel=0.05)


def test_split_draws_independent_sets() -> None:
    train, test = toy2d.split("moons", 100, 50, seed=0)
    assert len(train.y) == 100 and len(test.y) == 50
    assert not np.isin(train.x[:, 0], test.x[:, 0]).any()


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        toy2d.make("xor", 0)
    with pytest.raises(ValueError):
        toy2d.make("xor", 10, noise=-1)


def test_features_are_tf_playgrounds() -> None:
    p = np.array([[0.5, -0.25]])
    f = toy2d.features(p, ["x", "y", "x2", "y2", "xy", "sinx", "siny"])
    np.testing.assert_allclose(f, [[0.5, -0.25, 0.25, 0.0625, -0.125, 1.0, -np.sin(np.pi / 4)]], atol=1e-15)
    assert toy2d.features(p, []).shape == (1, 0)
