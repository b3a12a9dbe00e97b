"""The one solving path every planner entry point goes through.

Both the humanitarian planner (:func:`respite.planner.plan`) and the VRPTW benchmark path
(:func:`respite.planner.vrptw.solve_vrptw`) hand a ``pyvrp.ProblemData`` to
:func:`run_pyvrp`, which adds progress reporting and nothing else: the planner's layers must not
cost solution quality, and ``benchmarks/planner`` measures that they do not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pyvrp
import pyvrp.stop

#: progress callback: (seconds elapsed in this run, best cost so far)
Progress = Callable[[float, float], None]


@dataclass
class _HighCeiling(pyvrp.PenaltyParams):
    """PyVRP's penalty rules with a higher ceiling but its usual starting values (the
    midpoint of the default range), so the search still starts by exploring freely."""

    def midpoint_penalties(self, data: pyvrp.ProblemData) -> tuple[list[float], float, float]:
        start = pyvrp.PenaltyParams().midpoint_penalties(data)
        return (list(start[0]), float(start[1]), float(start[2]))


class _Watched:
    """A stopping criterion that also reports progress, at most every ``every`` seconds."""

    def __init__(self, inner: pyvrp.stop.StoppingCriterion, progress: Progress, every: float):
        self._inner = inner
        self._progress = progress
        self._every = every
        self._started = time.perf_counter()
        self._last = -every

    def __call__(self, best_cost: int) -> bool:
        done = bool(self._inner(best_cost))
        elapsed = time.perf_counter() - self._started
        if done or elapsed - self._last >= self._every:
            self._last = elapsed
            self._progress(elapsed, float(best_cost))
        return done


@dataclass(frozen=True, slots=True)
class Run:
    """What one PyVRP run gave: the best solution, whether it is feasible, effort spent."""

    solution: pyvrp.Solution
    feasible: bool
    iterations: int
    runtime: float


def run_pyvrp(
    data: pyvrp.ProblemData,
    stop: pyvrp.stop.StoppingCriterion,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    max_penalty: float | None = None,
) -> Run:
    """Solve ``data`` with PyVRP's default parameters until ``stop`` says so; ``max_penalty``
    raises the ceiling of PyVRP's penalty per unit of excess load or time warp (the planner's
    prizes are worth more than the default ceiling, so it would trade a rule for a prize)."""
    criterion: pyvrp.stop.StoppingCriterion = stop
    if progress is not None:
        criterion = _Watched(stop, progress, every=0.25)
    params = pyvrp.SolveParams()
    if max_penalty is not None:
        params = pyvrp.SolveParams(penalty=_HighCeiling(max_penalty=max_penalty))
    result = pyvrp.solve(
        data, criterion, seed=seed, collect_stats=False, display=False, params=params
    )
    return Run(
        solution=result.best,
        feasible=bool(result.is_feasible()),
        iterations=int(result.num_iterations),
        runtime=float(result.runtime),
    )
