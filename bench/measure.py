"""What is measured: the 10-activity chain (latency and throughput) and how one run scales."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, replace

from bench.drivers import STORES, Driver, EngineDriver, engine_driver, http_driver

DriverFactory = Callable[[str], AbstractContextManager[Driver]]
PATHS: dict[str, DriverFactory] = {"engine": engine_driver, "http": http_driver}


@dataclass(frozen=True)
class Plan:
    """How much to run: the full benchmark, or the smoke mode that only proves it works."""

    chain_steps: int
    warmup: int
    sequential_runs: int
    batch_size: int
    scaling_steps: tuple[int, ...]
    scaling_paths: tuple[str, ...]

    def repeats(self, steps: int) -> int:
        """Short runs are repeated (median); long ones are measured once."""
        return 1 if steps >= 100 else 5 if self.sequential_runs > 5 else 1


# The SDK replays the whole history in every episode, so one run of N steps costs ~N^2:
# 300 steps keep the full run near 3 minutes on 2 cores; --long measures 1,000 (minutes each).
FULL = Plan(10, 3, 30, 50, (10, 100, 300), ("engine",))
LONG = replace(FULL, scaling_steps=(10, 100, 1000))
QUICK = Plan(10, 1, 3, 4, (10, 30), ("engine", "http"))


@dataclass(frozen=True)
class Sample:
    """One run: its wall time and, on the engine path, the time inside the SDK and activities."""

    seconds: float
    episodes: float | None = None
    activities: float | None = None

    def host(self) -> float | None:
        """The host's own share: what is left once SDK replays and activities are taken out."""
        if self.episodes is None or self.activities is None:
            return None
        return self.seconds - self.episodes - self.activities


@dataclass(frozen=True)
class ChainResult:
    """A chain of `steps` activities: sequential latency and the throughput of a batch."""

    path: str
    store: str
    steps: int
    typical: Sample
    runs: int
    batch_size: int
    batch_seconds: float

    @property
    def per_step(self) -> float:
        return self.typical.seconds / self.steps

    @property
    def sequential_rate(self) -> float:
        return 1 / self.typical.seconds

    @property
    def batch_rate(self) -> float:
        return self.batch_size / self.batch_seconds


@dataclass(frozen=True)
class ScalingResult:
    """One run of `steps` sequential activities (the median of `repeats`)."""

    path: str
    store: str
    steps: int
    repeats: int
    typical: Sample

    @property
    def per_step(self) -> float:
        return self.typical.seconds / self.steps


def _sample(driver: Driver, steps: int) -> Sample:
    timed = driver.catalog if isinstance(driver, EngineDriver) else None
    if timed is not None:
        timed.reset()
    started = time.perf_counter()
    driver.run_one(steps)
    seconds = time.perf_counter() - started
    if timed is None:
        return Sample(seconds)
    return Sample(seconds, timed.episode_seconds, timed.activity_seconds)


def _median(samples: Sequence[Sample]) -> Sample:
    """The sample with the median wall time (an actual run, so its split adds up)."""
    ordered = sorted(samples, key=lambda s: s.seconds)
    return ordered[(len(ordered) - 1) // 2]


def measure_chain(plan: Plan, path: str) -> list[ChainResult]:
    """Both stores side by side: runs alternate between them, so load drift hits both alike."""
    samples: dict[str, list[Sample]] = {store: [] for store in STORES}
    batches: dict[str, float] = {}
    with ExitStack() as stack:
        drivers = {store: stack.enter_context(PATHS[path](store)) for store in STORES}
        for _ in range(plan.warmup):
            for driver in drivers.values():
                driver.run_one(plan.chain_steps)
        for run in range(plan.sequential_runs):
            order = STORES if run % 2 == 0 else STORES[::-1]
            for store in order:
                samples[store].append(_sample(drivers[store], plan.chain_steps))
        for store, driver in drivers.items():
            started = time.perf_counter()
            driver.run_batch(plan.chain_steps, plan.batch_size)
            batches[store] = time.perf_counter() - started
    steps, size = plan.chain_steps, plan.batch_size
    return [
        ChainResult(path, store, steps, _median(runs), len(runs), size, batches[store])
        for store, runs in samples.items()
    ]


def measure_scaling(plan: Plan, path: str, store: str) -> Iterator[ScalingResult]:
    with PATHS[path](store) as driver:
        for _ in range(plan.warmup):
            driver.run_one(plan.scaling_steps[0])
        for steps in plan.scaling_steps:
            repeats = plan.repeats(steps)
            samples = [_sample(driver, steps) for _ in range(repeats)]
            yield ScalingResult(path, store, steps, repeats, _median(samples))


def chain_results(plan: Plan, progress: Callable[[str], None]) -> list[ChainResult]:
    results: list[ChainResult] = []
    for path in PATHS:
        progress(f"chain of {plan.chain_steps}: {path}, memory and sqlite side by side")
        results.extend(measure_chain(plan, path))
    return results


def scaling_results(plan: Plan, progress: Callable[[str], None]) -> list[ScalingResult]:
    results: list[ScalingResult] = []
    for path in plan.scaling_paths:
        for store in STORES:
            progress(f"scaling {plan.scaling_steps}: {path} / {store}")
            results.extend(measure_scaling(plan, path, store))
    return results
