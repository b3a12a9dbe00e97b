"""Pause windows for the planner, from resolved pauses (the store's or a pause file's).

Each occurrence of a pause part between ``start`` and ``end`` becomes one
:class:`~respite.planner.model.Window` named ``<pause>/<part>/<local start>``, with the
part's zone: vehicles may be on a stretch inside it while the window is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from respite.pauses.resolve import Pause
from respite.planner.model import Window
from respite.schedule import from_utc_seconds, utc_seconds


def windows_of(
    pauses: Iterable[Pause],
    start: datetime,
    end: datetime,
    *,
    parts: Iterable[str] | None = None,
) -> tuple[Window, ...]:
    """Every window of the latest version of ``pauses`` overlapping [start, end), clipped to
    it; ``parts`` limits them to the named ``<pause>/<part>`` (or ``<pause>``) entries."""
    wanted = None if parts is None else set(parts)
    lo, hi = utc_seconds(start), utc_seconds(end)
    out: list[Window] = []
    for pause in pauses:
        zone = ZoneInfo(pause.timezone)
        for part in pause.latest.parts:
            name = f"{pause.id}/{part.id}"
            if wanted is not None and name not in wanted and pause.id not in wanted:
                continue
            for begin, finish in part.coverage(lo, hi):
                opened = from_utc_seconds(begin)
                out.append(
                    Window(
                        id=f"{name}/{opened.astimezone(zone):%Y-%m-%dT%H:%M}",
                        start=opened,
                        end=from_utc_seconds(finish),
                        zone=part.zone,
                        pause_id=pause.id,
                        part_id=part.id,
                    )
                )
    return tuple(sorted(out, key=lambda w: (w.start, w.id)))
