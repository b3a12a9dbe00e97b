"""What one engine's run hands back, and the timing helper every runner shares."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from benchmarks.compliance_join.pairs import Summary, sort_pairs, summarise

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]


@dataclass(frozen=True)
class PairArrays:
    """Pairs with their time and place classes (in the engine's order unless made sorted)."""

    event: IntArray
    row: IntArray
    time: Int8Array
    place: Int8Array

    @classmethod
    def sorted(cls, event: Any, row: Any, time: Any, place: Any) -> PairArrays:
        return cls(
            *sort_pairs(
                np.asarray(event, dtype=np.int64),
                np.asarray(row, dtype=np.int64),
                np.asarray(time, dtype=np.int8),
                np.asarray(place, dtype=np.int8),
            )
        )

    def in_order(self) -> PairArrays:
        """Sorted by event then row, as :class:`respite.compliance.frame.Pairs` are."""
        return PairArrays.sorted(self.event, self.row, self.time, self.place)

    def summary(self, rows: int) -> Summary:
        return summarise(self.event, self.row, self.time, self.place, rows)

    def __len__(self) -> int:
        return len(self.event)


@dataclass
class Outcome:
    load_s: float
    join_s: float
    summary: Summary
    #: engine-specific facts worth reporting: formulation, settings tried, server memory
    details: dict[str, Any] = field(default_factory=dict)
    #: the pairs themselves, sorted, only when asked for (the harness test compares them)
    pairs: PairArrays | None = None


#: Lines on stdout starting with this name the step a child is in (the parent shows it).
PHASE = "@phase "
#: Set by the child process; a direct caller (a test) gets no phase lines.
announce_phases = False


def announce(text: str) -> None:
    if announce_phases:
        print(PHASE + text, flush=True)


def timed(run: Callable[[], T], phase: str | None = None) -> tuple[float, T]:
    if phase is not None:
        announce(phase)
    gc.collect()  # so that this step does not pay for garbage left by the previous one
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def best_of(repeat: int, run: Callable[[], T], phase: str = "join") -> tuple[float, T]:
    """Fastest wall time of ``repeat`` runs (the least disturbed one), and the last result."""
    best, result = timed(run, f"{phase} 1/{repeat}")
    for attempt in range(2, repeat + 1):
        seconds, result = timed(run, f"{phase} {attempt}/{repeat}")
        best = min(best, seconds)
    return best, result
