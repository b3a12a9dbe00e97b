"""The coverage engine: pauses in, answers out (no web, no database)."""

from respite.engine.coverage import BatchStatus, CoverageEngine, Match, NextWindow, Status
from respite.engine.index import SpaceTimeIndex
from respite.engine.route import RouteCheck, Stretch, check_route

__all__ = [
    "BatchStatus",
    "CoverageEngine",
    "Match",
    "NextWindow",
    "RouteCheck",
    "SpaceTimeIndex",
    "Status",
    "Stretch",
    "check_route",
]
