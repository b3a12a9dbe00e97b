"""Local wall-clock dates and times to UTC seconds, with RFC 5545 DST rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from respite.errors import Problem, ScheduleError

Int64Array = npt.NDArray[np.int64]

DAY: Final = 86_400
EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
# The last local date whose occurrences datetime arithmetic can still represent.
LAST_ORDINAL: Final = date(9999, 12, 30).toordinal()
# An occurrence on local date d starts within (-1, +2) days of d's UTC midnight, because the
# start time is under 24 h and any UTC offset is under 24 h in size; searching this many days
# either side of an instant therefore finds every occurrence that could touch it.
DAYS_BEFORE: Final = 2
DAYS_AFTER: Final = 2


def utc_day_ordinal(seconds: int) -> int:
    """Ordinal of the UTC date containing ``seconds``."""
    return seconds // DAY + EPOCH_ORDINAL


def _offset_seconds(offset: timedelta | None) -> int:
    # ZoneInfo always has an offset; None would mean a broken tzinfo, so fail loudly.
    if offset is None:
        raise ScheduleError([Problem("timezone", "the zone gives no UTC offset")])
    return offset.days * DAY + offset.seconds


def local_starts(zone: ZoneInfo, wall: time, ordinals: Int64Array) -> Int64Array:
    """UTC seconds of wall-clock ``wall`` on each local date (given as ordinals).

    A repeated wall time means its first instant and a missing one is read with the offset
    in force before the gap (RFC 5545 section 3.3.5). That is exactly what PEP 495 defines
    for ``fold=0``, so the zone's own ``utcoffset`` gives the answer.
    """
    wall = wall.replace(fold=0)
    days = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]").tolist()
    offsets = np.fromiter(
        (_offset_seconds(datetime.combine(d, wall, tzinfo=zone).utcoffset()) for d in days),
        dtype=np.int64,
        count=ordinals.size,
    )
    seconds_of_day = wall.hour * 3600 + wall.minute * 60 + wall.second
    starts: Int64Array = (ordinals - EPOCH_ORDINAL) * DAY + seconds_of_day - offsets
    return starts
