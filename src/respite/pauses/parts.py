"""A resolved part: its zone, its windows, and its history (no retroactive change).

A part's coverage is the union, over the versions it went through, of what each version said
*from the time that version took effect until the next one did*: an amendment effective at E
changes the part from E on only. Each superseded state is kept as an :class:`Era`; the current
state holds from ``since``. Draft and cancelled states cover nothing.

Reports that a pause was broken keep the windows (people were told they were paused) and are
kept beside them as :class:`BrokenReport`; a promise of windows announced later is a
:class:`Promise`; a window announced later than its promised notice is a :class:`LateNotice`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shapely.geometry.base import BaseGeometry

from respite.pauses.model import PartStatus, ZoneSpec
from respite.pauses.movement import MovementSpec
from respite.pauses.text import Text
from respite.schedule import IntervalSet, OneOffWindow, RecurringWindow, Window, expand, utc_seconds

#: Stand-in for "no end" in removal intervals; later than any horizon the engine will use.
FOREVER = 2**62
#: Stand-in for "since the beginning" when a first version has no date.
BEGINNING = -(2**62)

#: States that never answer covered.
_VOID = (PartStatus.DRAFT, PartStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class Era:
    """What the part was over [start, end) (UTC seconds), before a later version."""

    start: int
    end: int
    zone: BaseGeometry
    windows: tuple[Window, ...]
    removed: tuple[tuple[int, int], ...]
    status: PartStatus

    def coverage(self, lo: int, hi: int) -> IntervalSet:
        a, b = max(lo, self.start), min(hi, self.end)
        if b <= a or self.status in _VOID:
            return IntervalSet.empty()
        return _windows_minus(self.windows, self.removed, a, b)


@dataclass(frozen=True, slots=True)
class BrokenReport:
    """ "Announced, but reported broken on ... by ...": the span it concerns and who said so."""

    start: int
    end: int
    reported_by: str
    reported_at: int
    source: str
    version: int


@dataclass(frozen=True, slots=True)
class LateNotice:
    """A window announced later than promised (``announced_at > start - notice``)."""

    window_start: int
    announced_at: int
    notice_hours: float
    version: int

    @property
    def hours_short(self) -> float:
        return round(self.notice_hours - (self.window_start - self.announced_at) / 3600, 2)


@dataclass(frozen=True, slots=True)
class Promise:
    """Windows promised without times: the spans they may fall in, their length, the notice."""

    span: RecurringWindow
    duration: timedelta
    notice_hours: float
    text: Text | None


@dataclass(frozen=True, slots=True)
class Part:
    """A zone with its windows, the spans removed from it, and its earlier states."""

    pause_id: str
    id: str
    name: Text | None
    zone: BaseGeometry
    zone_spec: ZoneSpec
    windows: tuple[Window, ...]
    #: UTC second spans [start, end) taken out by suspensions, shortenings and ends.
    removed: tuple[tuple[int, int], ...] = ()
    status: PartStatus = PartStatus.ANNOUNCED
    #: when the current state took effect (UTC seconds); BEGINNING for version 1
    since: int = BEGINNING
    earlier: tuple[Era, ...] = ()
    broken: tuple[BrokenReport, ...] = ()
    promise: Promise | None = None
    late_notices: tuple[LateNotice, ...] = ()
    movement: MovementSpec | None = None

    def coverage(self, lo: int, hi: int) -> IntervalSet:
        """The UTC intervals in [lo, hi) in which this part is paused, over its history."""
        now = self.current_coverage(lo, hi)
        for era in self.earlier:
            if era.start < hi and era.end > lo:
                now = now | era.coverage(lo, hi)
        return now

    def current_coverage(self, lo: int, hi: int) -> IntervalSet:
        """What the current state covers, from ``since`` on."""
        a = max(lo, self.since)
        if hi <= a or self.status in _VOID:
            return IntervalSet.empty()
        return _windows_minus(self.windows, self.removed, a, hi)

    def promised(self, lo: int, hi: int) -> IntervalSet:
        """The spans in which a promised window may fall and none has been announced yet."""
        start = max(lo, self.since)
        if self.promise is None or self.status in _VOID or hi <= start:
            return IntervalSet.empty()
        spans = expand((self.promise.span,), start, hi)
        if self.removed:
            spans = spans - IntervalSet.from_pairs(self.removed).clip(lo, hi)
        announced = self.coverage(lo, hi)
        return IntervalSet.from_pairs(
            (s, e) for s, e in spans if (announced & IntervalSet.from_pairs([(s, e)])).is_empty
        )

    def zones(self) -> tuple[BaseGeometry, ...]:
        """Every distinct zone the part had (a replaced part may have moved)."""
        seen: dict[int, BaseGeometry] = {id(self.zone): self.zone}
        for era in self.earlier:
            seen.setdefault(id(era.zone), era.zone)
        return tuple(seen.values())

    def coverage_in(self, zone: BaseGeometry, lo: int, hi: int) -> IntervalSet:
        """Coverage of the states whose zone is ``zone`` (see :meth:`zones`)."""
        out = self.current_coverage(lo, hi) if self.zone is zone else IntervalSet.empty()
        for era in self.earlier:
            if era.zone is zone:
                out = out | era.coverage(lo, hi)
        return out

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    @property
    def is_open_ended(self) -> bool:
        if self.status in _VOID:
            return False
        return any(w.is_open_ended for w in self.windows) and not any(
            end >= FOREVER for _, end in self.removed
        )

    def first_start(self) -> int:
        starts = [window_start(w) for w in self.windows]
        starts += [window_start(w) for era in self.earlier for w in era.windows]
        if self.promise is not None:
            starts.append(self.promise.span.first_start())
        return min(starts)

    def last_end(self) -> int | None:
        """The end of the last window after removals, or None if open-ended."""
        cut = min((start for start, end in self.removed if end >= FOREVER), default=None)
        ends = [window_end(w) for w in self.windows]
        if self.promise is not None:
            ends.append(self.promise.span.last_end())
        if any(end is None for end in ends):
            return cut
        last = max((end for end in ends if end is not None), default=self.since)
        return last if cut is None else min(last, cut)


def _windows_minus(
    windows: tuple[Window, ...], removed: tuple[tuple[int, int], ...], lo: int, hi: int
) -> IntervalSet:
    covered = expand(windows, lo, hi)
    if not removed:
        return covered
    return covered - IntervalSet.from_pairs(removed).clip(lo, hi)


def window_start(window: Window) -> int:
    if isinstance(window, OneOffWindow):
        return utc_seconds(window.start)
    return window.first_start()


def window_end(window: Window) -> int | None:
    if isinstance(window, OneOffWindow):
        return None if window.end is None else utc_seconds(window.end)
    return window.last_end()
