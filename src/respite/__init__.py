"""Respite: plan, coordinate, publish and monitor humanitarian pauses.

The pure library answers "is this place paused at this moment, by what, and until when?"

>>> from datetime import datetime, UTC
>>> import respite
>>> engine = respite.CoverageEngine(respite.load_scenario("gaza-2023-2024"))
>>> answer = engine.status(34.351, 31.417, datetime(2024, 9, 2, 7, 0, tzinfo=UTC))
>>> answer.covered
True
>>> answer.covered_until.isoformat()  # the polio round's window ends at 15:00 Gaza time
'2024-09-02T12:00:00+00:00'

Pause files are parsed and checked with :func:`parse_pauses` / :func:`load_pause_file`, and
exported in the standard formats (CAP 1.2 and Atom, iCalendar, GeoJSON, HXL) with
:mod:`respite.export`, whose functions take datetimes.
"""

from respite.engine import BatchStatus, CoverageEngine, RouteCheck, Status, check_route
from respite.errors import (
    GeometryError,
    InvalidInput,
    NotFound,
    OutsideHorizon,
    PauseFileError,
    Problem,
    RespiteError,
    ScheduleError,
)
from respite.pauses import Pause, PauseVersion, load_pause_file, parse_pauses
from respite.scenarios import available_scenarios, load_scenario

__version__ = "0.1.0"

__all__ = [
    "BatchStatus",
    "CoverageEngine",
    "GeometryError",
    "InvalidInput",
    "NotFound",
    "OutsideHorizon",
    "Pause",
    "PauseFileError",
    "PauseVersion",
    "Problem",
    "RespiteError",
    "RouteCheck",
    "ScheduleError",
    "Status",
    "__version__",
    "available_scenarios",
    "check_route",
    "load_pause_file",
    "load_scenario",
    "parse_pauses",
]
