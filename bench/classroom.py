"""A class on one server: students moving sliders, training MNIST and training the playground, all at once.

Run: python3 bench/classroom.py [--sessions 30] [--trainers 10] [--playground-trainers 0] [--seconds 180]
                                [--url URL --pid PID]
     python3 bench/classroom.py --processes 2   (its own nginx in front of two servers: deploy/)
     python3 bench/classroom.py --sessions 0 --trainers 1 --playground-trainers 1 --seconds 20 --solo-seconds 0
                                (a smoke run: two clients, no solo rates)
Without --url it starts the server(s) itself. Every client speaks Streamlit's websocket protocol
(bench/streamclient.py); all of them arrive within one second, as when the bell rings.

Slider students open one of the five 2-D pages and move a random slider of it to a random
value every ~2 s; MNIST trainers open Live MNIST, press Start and answer the training ticks;
playground trainers open the classification playground, press the spiral preset, set 500 epochs,
press Start and answer the ticks (and Reset and Start again if the run ends). The table gives
errors, timeouts, page-load and slider latencies per page, each kind of trainer's iterations per
minute against one such trainer alone, and the server's CPU and memory over time.
Goals: 0 errors, 0 timeouts, slider p95 ≤ 500 ms, every trainer ≥ 50 % of its solo rate.
"""

from __future__ import annotations

import argparse
import asyncio
import math
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
TRAINING = {"mnist": "epochs=100",  # the book's net on the subset: 6 400 updates, about 4.5 minutes alone
            "playground": "speed=fast"}  # then the spiral preset (3×8 units, 4 inputs) for 500 epochs
PLAYGROUND_EPOCHS = 500  # 200 points in batches of 10: 10 000 updates
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


async def press_start(client: Client, page: str) -> None:
    """What a trainer does before Start: the playground's students pick a preset and a long run."""
    if page == "playground":
        await client.click("btn_spiral")
        await client.move(client.widget("epochs"), PLAYGROUND_EPOCHS)
    await client.click("start")


async def trainer(url: str, until: float, page: str = "mnist") -> Result:
    result = Result(page)
    client = Client(url, page, TRAINING[page])
    done_before = 0  # updates of earlier runs: a playground run that ended is reset and started again
    try:
        result.load = await client.open()
        await press_start(client, page)
        while time.monotonic() < until:
            await asyncio.sleep(1.0)
            result.iterations.append((time.monotonic(), done_before + client.iterations()))
            if page == "playground" and client.run_finished():
                done_before += client.iterations()
                await client.click("reset_training")
                await client.click("start")
    except Exception as exc:
        result.errors.append(repr(exc))
    finally:
        await client.close()
    result.timeouts = client.stats.timeouts
    result.errors += client.stats.errors
    if not result.iterations or result.iterations[-1][1] == 0:
        result.errors.append(f"the {page} trainer never trained; its last progress line: {client.progress!r}")
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


async def solo_rates(url: str, seconds: float, pages: list[str]) -> dict[str, float]:
    """One trainer of each kind alone on the server, one after the other: the throughput every trainer
    of that kind is held against (none with ``seconds`` 0)."""
    rates = {page: float("nan") for page in pages}
    for page in pages if seconds > 0 else []:
        alone = await trainer(url, time.monotonic() + seconds, page)
        rates[page] = rate_per_minute(alone.iterations)
    return rates


async def run_class(url: str, pids: list[int], sessions: int, trainers: dict[str, int], seconds: float,
                    seed: int) -> tuple[list[Result], list[tuple[float, float, float]]]:
    rng = random.Random(seed)
    until = time.monotonic() + seconds

    async def arrive(delay: float, job):  # noqa: ANN001, ANN202 - a coroutine factory
        await asyncio.sleep(delay)
        return await job

    jobs = [arrive(rng.uniform(0, 1), slider_student(url, *PAGES[i % len(PAGES)], until, random.Random(rng.random())))
            for i in range(sessions)]
    jobs += [arrive(rng.uniform(0, 1), trainer(url, until, page)) for page, n in trainers.items() for _ in range(n)]
    watcher = asyncio.create_task(watch(pids, until))
    results = await asyncio.gather(*jobs)
    return list(results), await watcher


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else float("nan"))


def slider_table(results: list[Result]) -> list[float]:
    """Load and slider latencies per page; returns every slider latency."""
    if not any(r.page not in TRAINING for r in results):
        return []
    print(f"\n{'page':12} | students | load p50 s | slider p50 ms | p95 ms | max ms | moves")
    all_latencies = []
    for page in sorted({r.page for r in results if r.page not in TRAINING}):
        rs = [r for r in results if r.page == page]
        lat = [x for r in rs for x in r.latencies]
        all_latencies += lat
        loads = [r.load for r in rs]
        print(f"{page:12} | {len(rs):8} | {statistics.median(loads):9.2f} | {1000 * p(lat, 50):13.0f} | "
              f"{1000 * p(lat, 95):6.0f} | {1000 * max(lat, default=float('nan')):6.0f} | {len(lat)}")
    return all_latencies


def trainer_lines(results: list[Result], solo: dict[str, float]) -> bool:
    """Each kind of trainer's iterations per minute against one alone; True if all reach the goal."""
    ok = True
    for page in TRAINING:
        rates = [rate_per_minute(r.iterations) for r in results if r.page == page]
        if not rates:
            continue
        worst, alone = min(rates), solo.get(page, float("nan"))
        share = "no solo run" if math.isnan(alone) else f"solo {alone:.0f}: worst {worst / alone:.0%} of solo"
        print(f"{page} trainers: {len(rates)}, it/min min {worst:.0f} / median {statistics.median(rates):.0f} "
              f"({share})")
        ok = ok and (math.isnan(alone) or worst >= TRAINER_GOAL * alone)
    return ok


def report(results: list[Result], usage: list[tuple[float, float, float]], solo: dict[str, float]) -> bool:
    errors = sum(len(r.errors) for r in results)
    timeouts = sum(r.timeouts for r in results)
    print(f"errors {errors}, timeouts {timeouts}")
    for text in {e for r in results for e in r.errors}:
        print(f"  error: {text[:160]}")
    all_latencies = slider_table(results)
    print()
    trainers_ok = trainer_lines(results, solo)
    print("\nserver: " + ", ".join(f"{t:.0f}s {c:.2f} cores {m:.0f} MB" for t, c, m in usage))
    p95 = p(all_latencies, 95)
    ok = not errors and not timeouts and (not all_latencies or p95 <= P95_GOAL) and trainers_ok
    print(f"\nslider p95 {1000 * p95:.0f} ms (goal ≤ {1000 * P95_GOAL:.0f}); "
          f"{'within the goals' if ok else 'NOT within the goals'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--trainers", type=int, default=10, help="students training Live MNIST")
    parser.add_argument("--playground-trainers", type=int, default=0,
                        help="students training the playground's spiral preset")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--solo-seconds", type=float, default=30, help="per kind of trainer; 0: no solo runs")
    parser.add_argument("--url")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server process(es) to watch")
    parser.add_argument("--processes", type=int, default=1, help="start this many servers behind nginx")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = None
    if args.url is None:
        started, args.pid, args.url = server.start_class(args.processes)
    try:
        trainers = {"mnist": args.trainers, "playground": args.playground_trainers}
        solo = asyncio.run(solo_rates(args.url, args.solo_seconds, [k for k, n in trainers.items() if n]))
        results, usage = asyncio.run(run_class(args.url, args.pid, args.sessions, trainers, args.seconds,
                                               args.seed))
        ok = report(results, usage, solo)
    finally:
        if started is not None:
            server.stop(started, args.pid)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
