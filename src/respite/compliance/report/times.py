"""Window occurrences, their margins and their baseline days, in UTC seconds.

Baseline days move a window's *wall-clock* hours back whole local days (zoneinfo), so a
06:00-15:00 window stays 06:00-15:00 on the far side of a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from respite.pauses.resolve import Part
from respite.schedule import from_utc_seconds, utc_seconds


@dataclass(frozen=True, slots=True)
class WindowOccurrence:
    """One window of a part: ``[start, end)`` UTC seconds after amendments."""

    part: int  # index in ``plan.parts``
    index: int  # 0-based, within the part
    start: int
    end: int
    #: True when ``end`` is ``as_of`` rather than the window's own end.
    cut: bool


def occurrences(parts: Sequence[Part], as_of: int | None) -> tuple[WindowOccurrence, ...]:
    found = []
    for p, part in enumerate(parts):
        last = part.last_end()
        hi = last if last is not None else as_of
        assert hi is not None  # build() insists on as_of for open-ended parts
        if as_of is not None:
            hi = min(hi, as_of)
        lo = part.first_start()
        if hi <= lo:
            continue
        full = part.coverage(lo, hi + 1) if hi == as_of else None
        for i, (start, end) in enumerate(part.coverage(lo, hi)):
            # Cut when the window still ran one second past as_of.
            cut = full is not None and full.contains(end)
            found.append(WindowOccurrence(p, i, start, end, cut))
    return tuple(found)


def margins(
    windows: Sequence[WindowOccurrence], w: int, margin: int, as_of: int | None
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    # A margin stops at the part's neighbouring window: time already paused is no margin.
    # Windows are sorted by part, then time, so the neighbours are the adjacent entries.
    occ = windows[w]
    prev_end = windows[w - 1].end if w > 0 and windows[w - 1].part == occ.part else None
    nxt = windows[w + 1] if w + 1 < len(windows) else None
    next_start = nxt.start if nxt is not None and nxt.part == occ.part else None
    lo = occ.start - margin if prev_end is None else max(occ.start - margin, prev_end)
    before = (lo, occ.start) if lo < occ.start else None
    if occ.cut:
        return before, None
    hi = occ.end + margin if next_start is None else min(occ.end + margin, next_start)
    if as_of is not None:
        hi = min(hi, as_of)
    return before, ((occ.end, hi) if hi > occ.end else None)


def _local_wall(seconds: int, tz: ZoneInfo) -> datetime:
    return from_utc_seconds(seconds).astimezone(tz).replace(tzinfo=None)


def _utc(wall: datetime, tz: ZoneInfo) -> int:
    # fold=0 as for windows (RFC 5545): a repeated local time is its first instant, a missing
    # one is read with the offset before the gap.
    return utc_seconds(wall.replace(tzinfo=tz, fold=0).astimezone(UTC))


def shifted(occ: WindowOccurrence, days: int, tz: ZoneInfo) -> tuple[int, int]:
    back = timedelta(days=days)
    start = _utc(_local_wall(occ.start, tz) - back, tz)
    end = _utc(_local_wall(occ.end, tz) - back, tz)
    # Only a window squeezed into a DST gap can come out empty; then keep its elapsed length.
    return start, end if end > start else start + (occ.end - occ.start)


def first_shift(occ: WindowOccurrence, first_start: int, tz: ZoneInfo) -> int:
    k = max(1, (occ.end - first_start) // 86_400 - 1)
    while shifted(occ, k, tz)[1] > first_start:
        k += 1
    return k
