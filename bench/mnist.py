"""Benchmark: one MNIST epoch (784-50-10 ReLU, batch 100, SGD lr 0.1) in nnviz vs PyTorch CPU.

Usage: pip install -r requirements-bench.txt && python bench/mnist.py [--repeats 3]
Both sides do the same work per epoch: 600 updates, then accuracy on the test set and on
10 000 training images. Chunked = nnviz Trainer.run(time_budget=0.15) called until done.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnviz.data import load_mnist_with_source  # noqa: E402
from nnviz.core.net import TwoLayerNet  # noqa: E402
from nnviz.core.optimizer import SGD  # noqa: E402
from nnviz.core.train import TRAIN_ACC_SAMPLE, Trainer  # noqa: E402

N_EPOCH = 60_000
LR = 0.1
BATCH = 100
CHUNK_SECONDS = 0.15


def mnist_60k(allow_download: bool) -> tuple[tuple[np.ndarray, ...], str]:
    """Full MNIST if cached (or downloaded), else the subset tiled to 60 000 training images."""
    ((x, t), (xt, tt)), source = load_mnist_with_source(allow_download=allow_download)
    note = f"data: {source.kind}"
    if len(x) < N_EPOCH:
        reps = -(-N_EPOCH // len(x))
        x, t = np.tile(x, (reps, 1))[:N_EPOCH], np.tile(t, reps)[:N_EPOCH]
        note += f" ({source.reason}); subset tiled to {N_EPOCH} training images"
    return (x, t, xt, tt), note


def nnviz_epoch(data: tuple[np.ndarray, ...], seed: int, chunked: bool) -> tuple[float, float]:
    net = TwoLayerNet(seed=seed)
    trainer = Trainer(net, SGD(lr=LR), *data, batch_size=BATCH, epochs=1, seed=seed)
    start = time.perf_counter()
    while not trainer.done:
        trainer.run(time_budget=CHUNK_SECONDS if chunked else None)
    return time.perf_counter() - start, trainer.test_acc_history[-1]


def torch_epoch(data: tuple[np.ndarray, ...], seed: int, threads: int) -> tuple[float, float]:
    torch.set_num_threads(threads)
    x, t, xt, tt = (torch.from_numpy(np.array(a)) for a in data)
    t, tt = t.long(), tt.long()
    init = TwoLayerNet(seed=seed, dtype=np.float32).params
    model = torch.nn.Sequential(torch.nn.Linear(784, 50), torch.nn.ReLU(), torch.nn.Linear(50, 10))
    with torch.no_grad():
        for i, layer in ((1, model[0]), (2, model[2])):
            layer.weight.copy_(torch.from_numpy(init[f"W{i}"].T.copy()))
            layer.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    sample = torch.randperm(len(x), generator=generator)[:TRAIN_ACC_SAMPLE]
    start = time.perf_counter()
    order = torch.randperm(len(x), generator=generator)
    for lo in range(0, len(x), BATCH):
        batch = order[lo : lo + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x[batch]), t[batch]).backward()
        optimizer.step()
    with torch.no_grad():
        (model(x[sample]).argmax(1) == t[sample]).float().mean().item()
        test_acc = (model(xt).argmax(1) == tt).float().mean().item()
    return time.perf_counter() - start, test_acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--download", action="store_true", help="allow downloading full MNIST")
    args = parser.parse_args()
    threads = os.cpu_count() or 1
    data, note = mnist_60k(args.download)
    runs = {
        "nnviz": lambda rep: nnviz_epoch(data, rep, chunked=False),
        "chunked": lambda rep: nnviz_epoch(data, rep, chunked=True),
        "torch": lambda rep: torch_epoch(data, rep, threads),
        "torch1": lambda rep: torch_epoch(data, rep, 1),
    }
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in runs}
    accs: dict[str, list[float]] = {name: [] for name in runs}
    for rep in range(args.repeats):
        for name, fn in runs.items():
            seconds, acc = fn(rep)
            times[name].append(seconds)
            accs[name].append(acc)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(note)
    print(f"cores: {threads}; torch {torch.__version__} with {threads} threads (and 1 for comparison); "
          f"nnviz: NumPy {np.__version__} float32, OpenBLAS 1 thread for training steps, default for evaluation")
    print(f"load average before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} (other work on this machine adds noise)")
    print(f"median of {args.repeats} repeats, one epoch = {N_EPOCH} samples + accuracy on test set and "
          f"{TRAIN_ACC_SAMPLE} training images\n")
    print("| run | epoch s (median) | all runs s | test acc (median) |")
    print("| --- | --- | --- | --- |")
    labels = {
        "nnviz": "nnviz Trainer",
        "chunked": f"nnviz chunked {CHUNK_SECONDS * 1000:.0f} ms",
        "torch": f"PyTorch CPU, {threads} threads",
        "torch1": "PyTorch CPU, 1 thread",
    }
    for name, label in labels.items():
        listed = ", ".join(f"{s:.3f}" for s in times[name])
        print(f"| {label} | {med[name]:.3f} | {listed} | {statistics.median(accs[name]):.4f} |")
    print(f"\nnnviz / PyTorch ({threads} threads) epoch time: {med['nnviz'] / med['torch']:.2f} (goal <= 0.70); "
          f"vs PyTorch 1 thread: {med['nnviz'] / med['torch1']:.2f}")
    print(f"chunked / bare throughput: {med['nnviz'] / med['chunked']:.2%} (goal >= 80%)")


if __name__ == "__main__":
    main()
