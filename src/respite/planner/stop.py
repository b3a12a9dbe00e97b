"""Stopping criteria for :func:`respite.planner.plan`, shaped like PyVRP's own.

A plan may be solved as several PyVRP runs (one per planning period, see
:mod:`respite.planner.periods`), so a criterion here is a *budget* that can be shared out:
``for_share(0.25)`` gives the PyVRP stopping criterion for a quarter of it. Each criterion
validates its argument in the constructor and raises a precise ``ValueError``, like PyVRP's.

Examples
--------
>>> MaxRuntime(2.0).for_share(0.5).__class__.__name__
'MaxRuntime'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import pyvrp.stop


class Stop(Protocol):
    """A budget that can be split between the runs of one plan."""

    def for_share(self, share: float) -> pyvrp.stop.StoppingCriterion:
        """The PyVRP criterion for ``share`` (0 < share <= 1) of this budget."""
        ...


@dataclass(frozen=True, slots=True)
class MaxRuntime:
    """Stop after ``seconds`` of wall-clock time in total."""

    seconds: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.seconds) or self.seconds <= 0:
            raise ValueError(f"MaxRuntime: seconds must be a positive number, not {self.seconds}")

    def for_share(self, share: float) -> pyvrp.stop.StoppingCriterion:
        return pyvrp.stop.MaxRuntime(max(self.seconds * share, 0.01))


@dataclass(frozen=True, slots=True)
class MaxIterations:
    """Stop after ``iterations`` solver iterations in total (reproducible on any machine)."""

    iterations: int

    def __post_init__(self) -> None:
        if self.iterations < 1:
            raise ValueError(f"MaxIterations: iterations must be >= 1, not {self.iterations}")

    def for_share(self, share: float) -> pyvrp.stop.StoppingCriterion:
        return pyvrp.stop.MaxIterations(max(round(self.iterations * share), 1))
