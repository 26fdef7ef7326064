"""A class on one server: students moving sliders and students training MNIST, all at once.

Run: python3 bench/classroom.py [--sessions 30] [--trainers 10] [--seconds 180] [--url URL --pid PID]
     python3 bench/classroom.py --processes 2   (its own nginx in front of two servers: deploy/)
Without --url it starts the server(s) itself. Every client speaks Streamlit's websocket protocol
(bench/streamclient.py); all of them arrive within one second, as when the bell rings.

Slider students open one of the five 2-D pages and move a random slider of it to a random
value every ~2 s; trainers open Live MNIST, press Start and answer the training ticks. The
table gives errors, timeouts, page-load and slider latencies per page, each trainer's
iterations per minute against one trainer alone, and the server's CPU and memory over time.
Goals: 0 errors, 0 timeouts, slider p95 ≤ 500 ms, every trainer ≥ 50 % of its solo rate.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import server  # noqa: E402
from bench.streamclient import Client  # noqa: E402

PAGES = [("activations", ""), ("gradients", ""), ("descent", "view=2d"), ("optimizers", ""), ("init", "")]
TRAINING = "epochs=100"  # the book's net on the subset: 6 400 updates, about 4.5 minutes alone
P95_GOAL, TRAINER_GOAL = 0.5, 0.5


@dataclass
class Result:
    """What one simulated student saw."""

    page: str
    load: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    iterations: list[tuple[float, int]] = field(default_factory=list)  # (time, iteration) of a trainer
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0


async def slider_student(url: str, page: str, query: str, until: float, rng: random.Random) -> Result:
    result = Result(page)
    client = Client(url, page, query)
    try:
        result.load = await client.open()
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(1.5, 2.5))
            sliders = client.sliders()
            if sliders:
                widget = rng.choice(sliders)
                await client.move(widget, widget.random_value(rng))
    except Exception as exc:  # a client that fails is a failed student, not a crashed benchmark
        result.errors.append(repr(exc))
    finally:
        await client.close()
    result.latencies, result.timeouts = client.stats.latencies[1:], client.stats.timeouts
    result.errors += client.stats.errors
    return result


async def trainer(url: str, until: float) -> Result:
    result = Result("mnist")
    client = Client(url, "mnist", TRAINING)
    try:
        result.load = await client.open()
        await client.click("start")
        while time.monotonic() < until:
            await asyncio.sleep(1.0)
            result.iterations.append((time.monotonic(), client.iterations()))
    except Exception as exc:
        result.errors.append(repr(exc))
    finally:
        await client.close()
    result.timeouts = client.stats.timeouts
    result.errors += client.stats.errors
    if not result.iterations or result.iterations[-1][1] == 0:
        result.errors.append(f"the trainer never trained; its last progress line: {client.progress!r}")
    return result


def rate_per_minute(samples: list[tuple[float, int]]) -> float:
    """Iterations per minute over the second half of the training (after the start-up transient;
    a run that reached its last update stops counting there)."""
    samples = list(samples)
    while len(samples) > 1 and samples[-2][1] == samples[-1][1]:
        samples.pop()
    if len(samples) < 4:
        return float("nan")
    half = samples[len(samples) // 2:]
    (t0, i0), (t1, i1) = half[0], half[-1]
    return 60 * (i1 - i0) / (t1 - t0) if t1 > t0 else float("nan")


async def watch(pids: list[int], until: float, every: float = 5.0) -> list[tuple[float, float, float]]:
    """(seconds, CPU cores used since the last sample, RSS MB) of the server processes."""
    samples, start = [], time.monotonic()
    last = sum(server.cpu_seconds(p) for p in pids)
    while time.monotonic() < until:
        await asyncio.sleep(every)
        now = sum(server.cpu_seconds(p) for p in pids)
        samples.append((time.monotonic() - start, (now - last) / every, sum(server.rss_mb(p) for p in pids)))
        last = now
    return samples


async def solo_rate(url: str, seconds: float) -> float:
    """One trainer alone on the server: the throughput every trainer of the class is held against."""
    alone = await trainer(url, time.monotonic() + seconds)
    return rate_per_minute(alone.iterations)


async def run_class(url: str, pids: list[int], sessions: int, trainers: int, seconds: float,
                    seed: int) -> tuple[list[Result], list[tuple[float, float, float]]]:
    rng = random.Random(seed)
    until = time.monotonic() + seconds

    async def arrive(delay: float, job):  # noqa: ANN001, ANN202 - a coroutine factory
        await asyncio.sleep(delay)
        return await job

    jobs = [arrive(rng.uniform(0, 1), slider_student(url, *PAGES[i % len(PAGES)], until, random.Random(rng.random())))
            for i in range(sessions)]
    jobs += [arrive(rng.uniform(0, 1), trainer(url, until)) for _ in range(trainers)]
    watcher = asyncio.create_task(watch(pids, until))
    results = await asyncio.gather(*jobs)
    return list(results), await watcher


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else float("nan"))


def report(results: list[Result], usage: list[tuple[float, float, float]], solo: float) -> bool:
    errors = sum(len(r.errors) for r in results)
    timeouts = sum(r.timeouts for r in results)
    print(f"errors {errors}, timeouts {timeouts}")
    for text in {e for r in results for e in r.errors}:
        print(f"  error: {text[:160]}")
    print(f"\n{'page':12} | students | load p50 s | slider p50 ms | p95 ms | max ms | moves")
    all_latencies = []
    for page in sorted({r.page for r in results if r.page != "mnist"}):
        rs = [r for r in results if r.page == page]
        lat = [x for r in rs for x in r.latencies]
        all_latencies += lat
        loads = [r.load for r in rs]
        print(f"{page:12} | {len(rs):8} | {statistics.median(loads):9.2f} | {1000 * p(lat, 50):13.0f} | "
              f"{1000 * p(lat, 95):6.0f} | {1000 * max(lat, default=float('nan')):6.0f} | {len(lat)}")
    rates = [rate_per_minute(r.iterations) for r in results if r.page == "mnist"]
    worst = min(rates, default=float("nan"))
    if rates:
        print(f"\ntrainers: {len(rates)}, it/min min {worst:.0f} / median {statistics.median(rates):.0f} "
              f"(solo {solo:.0f}): worst {worst / solo:.0%} of solo")
    print("\nserver: " + ", ".join(f"{t:.0f}s {c:.2f} cores {m:.0f} MB" for t, c, m in usage))
    p95 = p(all_latencies, 95)
    ok = not errors and not timeouts and p95 <= P95_GOAL and (not rates or worst >= TRAINER_GOAL * solo)
    print(f"\nslider p95 {1000 * p95:.0f} ms (goal ≤ {1000 * P95_GOAL:.0f}); "
          f"{'within the goals' if ok else 'NOT within the goals'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--trainers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--solo-seconds", type=float, default=30)
    parser.add_argument("--url")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process(es) to watch")
    parser.add_argument("--processes", type=int, default=1, help="start this many servers behind nginx")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = None
    if args.url is None:
        started, args.pid, args.url = server.start_class(args.processes)
    try:
        solo = asyncio.run(solo_rate(args.url, args.solo_seconds)) if args.trainers else float("nan")
        results, usage = asyncio.run(run_class(args.url, args.pid, args.sessions, args.trainers, args.seconds,
                                               args.seed))
        ok = report(results, usage, solo)
    finally:
        if started is not None:
            server.stop(started, args.pid)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
