"""Closed-form indexing of the local dates a DAILY/WEEKLY rule produces.

Every supported rule repeats with a fixed period of ``P`` days: ``INTERVAL`` days for a plain
DAILY rule, ``lcm(INTERVAL, 7)`` days for a DAILY rule limited by BYDAY (the weekday pattern
realigns after that), ``7 * INTERVAL`` days for a WEEKLY rule. Within one period the selected
days sit at fixed offsets. Knowing that, the n-th occurrence and the number of occurrences up
to any date are plain arithmetic, so a window can be expanded near any instant without walking
from the first date, and COUNT is still counted from the very first occurrence.

Dates are handled as proleptic Gregorian ordinals (:meth:`datetime.date.toordinal`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from .recurrence import RecurrenceRule

__all__ = ["DayPattern"]

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DayPattern:
    """Occurrence dates as ``anchor + p * period + offsets[j]``, numbered from 0.

    ``skip`` counts the offsets of period 0 that fall before the first date (a WEEKLY rule's
    first week may start mid-week); occurrence ``i`` is overall slot ``i + skip``.
    """

    anchor: int
    period: int
    offsets: Int64Array
    skip: int

    @classmethod
    def build(cls, rule: RecurrenceRule, first: date) -> DayPattern:
        """The pattern of ``rule`` started on ``first`` (which must be a selected day)."""
        first_ord = first.toordinal()
        weekdays = set(rule.weekdays) or {first.weekday()}
        if rule.freq == "WEEKLY":
            monday = first_ord - first.weekday()
            offsets = sorted(weekdays)
            return cls(
                monday,
                7 * rule.interval,
                np.array(offsets, np.int64),
                offsets.index(first.weekday()),
            )
        if not rule.byday:
            return cls(first_ord, rule.interval, np.array([0], np.int64), 0)
        period = math.lcm(rule.interval, 7)
        chosen = [
            k
            for k in range(0, period, rule.interval)
            if date.fromordinal(first_ord + k).weekday() in weekdays
        ]
        return cls(first_ord, period, np.array(chosen, np.int64), 0)

    def contains(self, ordinal: int) -> bool:
        """True when the rule (ignoring COUNT/UNTIL) produces this date."""
        return self.index_of(ordinal) is not None

    def index_of(self, ordinal: int) -> int | None:
        """The occurrence number of ``ordinal``, or None if the rule does not produce it."""
        p, r = divmod(ordinal - self.anchor, self.period)
        j = int(np.searchsorted(self.offsets, r))
        if j == self.offsets.size or int(self.offsets[j]) != r:
            return None
        i = p * self.offsets.size + j - self.skip
        return i if i >= 0 else None

    def ordinal_of(self, index: int) -> int:
        """The date ordinal of occurrence ``index`` (0 = the first date)."""
        p, j = divmod(index + self.skip, self.offsets.size)
        return self.anchor + p * self.period + int(self.offsets[j])

    def count_through(self, ordinal: int) -> int:
        """How many occurrences fall on or before ``ordinal``."""
        p, r = divmod(ordinal - self.anchor, self.period)
        slots = p * self.offsets.size + int(np.searchsorted(self.offsets, r, side="right"))
        return max(0, slots - self.skip)

    def between(
        self, first: int, last: int, limit: int | None = None
    ) -> tuple[Int64Array, Int64Array]:
        """Indices and ordinals of occurrences dated ``first..last`` inclusive.

        Only indices below ``limit`` (a COUNT, or the number of occurrences before UNTIL) are
        returned when it is given.
        """
        lo = self.count_through(first - 1)
        hi = self.count_through(last)
        if limit is not None:
            hi = min(hi, limit)
        index = np.arange(lo, max(lo, hi), dtype=np.int64)
        slot = index + self.skip
        m = self.offsets.size
        ordinals = self.anchor + (slot // m) * self.period + self.offsets[slot % m]
        return index, ordinals.astype(np.int64)
