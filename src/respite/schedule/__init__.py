"""Pure time-window logic for humanitarian pauses: interval sets, RRULEs, local-time windows.

Time is integer seconds since the Unix epoch (UTC); see ``docs/time.md`` for the conventions,
including how daylight-saving transitions are handled. Nothing here touches the web, a
database or the file system.
"""

from .intervals import IntervalSet, from_utc_seconds, utc_seconds
from .recurrence import RecurrenceRule
from .windows import (
    Occurrence,
    OneOffWindow,
    RecurringWindow,
    Window,
    expand,
)

__all__ = [
    "IntervalSet",
    "Occurrence",
    "OneOffWindow",
    "RecurrenceRule",
    "RecurringWindow",
    "Window",
    "expand",
    "from_utc_seconds",
    "utc_seconds",
]
