"""Networks trained live, in bounded ticks: several trainers in lock step that a page starts,
pauses, steps and runs to the end of an epoch, with progress and a wall-clock ETA.

A page's lab (Live MNIST, the playground, the regularisation experiments) subclasses `LockStep`,
builds its trainers and refreshes what it draws in `after_updates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from nnviz.core.train import Trainer, TrainerState, blas_threads

SPEEDS: dict[str, int | None] = {"slow": 1, "medium": 10, "fast": None}
"""Updates per screen refresh; "fast" trains for `FAST_BUDGET` seconds instead."""
FAST_BUDGET = 0.15
RATE_MEMORY = 0.7
"""Weight of the previous wall-clock rate in the ETA's running average."""


@dataclass(frozen=True)
class Change:
    """A setting changed while training, after `iteration` updates: `name` went from `old` to `new`."""

    iteration: int
    name: str
    old: float | str
    new: float | str


def pace(speed: str) -> tuple[int | None, float]:
    """(updates, seconds) of one refresh: counted speeds may take twice the fast budget (big nets)."""
    steps = SPEEDS[speed]
    return steps, FAST_BUDGET if steps is None else 2 * FAST_BUDGET


class LockStep:
    """Trainers that make the same number of updates, tick by tick; the first one still running leads."""

    def __init__(self, trainers: Sequence[Trainer]) -> None:
        if not trainers:
            raise ValueError("a lab needs at least one network")
        self.trainers = list(trainers)
        self.running = False
        self.target: int | None = None
        self._wall: tuple[float, int] | None = None
        self._wall_rate: float | None = None

    def after_updates(self) -> None:
        """What a lab refreshes after each `advance` (curves, statistics); nothing by default."""

    @property
    def lead(self) -> Trainer:
        """The first trainer that has not stopped (else the first that finished, else the first):
        its counters are the lab's, so a net that diverged early does not report the lab's epoch."""
        finished = next((tr for tr in self.trainers if tr.stop_reason == "finished"), self.trainers[0])
        return next((tr for tr in self.trainers if not tr.done), finished)

    @property
    def iteration(self) -> int:
        return max(tr.iteration for tr in self.trainers)

    @property
    def done(self) -> bool:
        return all(tr.done for tr in self.trainers)

    def iters_to_epoch_end(self) -> int:
        """Updates left until the current epoch ends (a full epoch at an epoch boundary)."""
        return self.lead.iters_left_in_epoch

    def advance(self, max_iters: int | None = None, time_budget: float | None = None,
                now: float | None = None) -> int:
        """Train every net the same number of updates; the lead's time budget is shared out.

        Returns the updates made by the lead. `now` (seconds, monotonic) feeds the wall-clock
        rate behind the ETA; without it the ETA uses the compute rate.
        """
        if self.target is not None:
            left = self.target - self.iteration
            max_iters = left if max_iters is None else min(max_iters, left)
        active = [tr for tr in self.trainers if not tr.done]
        count = 0
        if active and (max_iters is None or max_iters > 0):
            budget = None if time_budget is None else time_budget / len(active)
            with blas_threads(1):  # the end-of-epoch evaluation too: on a busy server, threads only fight
                count = active[0].run(max_iters=max_iters, time_budget=budget)
                for tr in active[1:]:
                    if count:
                        tr.run(max_iters=count)
        self.after_updates()
        if (self.target is not None and self.iteration >= self.target) or self.done:
            self.running, self.target = False, None
        self._note_wall(now)
        return count

    def _note_wall(self, now: float | None) -> None:
        if now is None:
            return
        if self._wall is not None and now > self._wall[0] and self.running:
            rate = (self.iteration - self._wall[1]) / (now - self._wall[0])
            self._wall_rate = rate if self._wall_rate is None else RATE_MEMORY * self._wall_rate + (1 - RATE_MEMORY) * rate
        self._wall = (now, self.iteration) if self.running else None

    def start(self) -> None:
        if not self.done:
            self.running, self.target = True, None

    def run_epoch(self) -> None:
        """Run (in ticks) until the current epoch ends."""
        if not self.done:
            self.running, self.target = True, self.iteration + self.iters_to_epoch_end()

    def pause(self) -> None:
        self.running, self.target, self._wall = False, None, None

    def state(self) -> TrainerState:
        """The lead trainer's state, with the lab's iteration, combined throughput and wall-clock ETA."""
        lead = self.lead.state()
        remaining = max(lead.total_iters - lead.iteration, 0)
        eta = remaining / self._wall_rate if self._wall_rate else lead.eta_seconds
        rates = [r for r in (tr.state().samples_per_sec for tr in self.trainers) if r]
        return replace(
            lead, iteration=self.iteration, progress=1.0 if self.done else lead.progress,
            samples_per_sec=1.0 / sum(1.0 / r for r in rates) if rates else None,
            eta_seconds=None if self.done else eta, done=self.done,
        )

    @property
    def stopped(self) -> tuple[str | None, ...]:
        """Why each net stopped early (e.g. "nonfinite_loss"), None for a net still training or finished."""
        return tuple(tr.stop_reason if tr.stop_reason != "finished" else None for tr in self.trainers)
