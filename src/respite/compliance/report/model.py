"""What a compliance report holds: counts per pause, part, window and phase, and the events.

Plain frozen dataclasses, built by :mod:`respite.compliance.report.build` from an accumulator and
read by the renderings; ``to_json()`` gives the documented JSON shape (``docs/compliance.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry

from respite.compliance.report.events import EventEntry
from respite.compliance.report.to_json import report_json
from respite.geometry import LocalProjection

if TYPE_CHECKING:
    from respite.compliance.windows import NearFeature, ReportOptions


@dataclass(frozen=True, slots=True)
class TypeCount:
    event_type: str
    inside: int
    possibly: int


@dataclass(frozen=True, slots=True)
class Counts:
    inside: int
    possibly: int
    outside: int
    by_type: tuple[TypeCount, ...]
    #: Sums over the events that report fatalities; ``unknown_*`` counts those that do not.
    fatalities_inside: int
    fatalities_possibly: int
    unknown_fatalities_inside: int
    unknown_fatalities_possibly: int


@dataclass(frozen=True, slots=True)
class Margin:
    start: int
    end: int
    counts: Counts


@dataclass(frozen=True, slots=True)
class BaselineDay:
    day: int  # 1 = the nearest baseline day before the pause
    inside: int
    possibly: int
    outside: int
    #: For a single window: the interval and how many local days it was moved back.
    start: int | None = None
    end: int | None = None
    shift_days: int | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    days: tuple[BaselineDay, ...]
    during_inside: int
    during_possibly: int

    @property
    def mean_inside(self) -> float | None:
        return _mean([d.inside for d in self.days])

    @property
    def mean_any(self) -> float | None:
        return _mean([d.inside + d.possibly for d in self.days])

    @property
    def ratio_inside(self) -> float | None:
        return _ratio(self.during_inside, self.mean_inside)

    @property
    def ratio_any(self) -> float | None:
        return _ratio(self.during_inside + self.during_possibly, self.mean_any)


@dataclass(frozen=True, slots=True)
class WindowReport:
    part: str
    number: int  # 1 = the part's first window
    start: int
    end: int
    cut: bool  # ends at as_of, not at its own end
    during: Counts
    before: Margin | None
    after: Margin | None
    baseline: Baseline


@dataclass(frozen=True, slots=True)
class PartReport:
    id: str
    name: str
    zone: BaseGeometry  # lon/lat
    approximation: str | None
    during: Counts
    before: Counts
    after: Counts
    baseline: Baseline
    windows: tuple[WindowReport, ...]


@dataclass(frozen=True, slots=True)
class NearReport:
    feature: NearFeature
    counts: Counts


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    pause_id: str
    pause_name: str
    kind: str
    status: str
    version: int
    timezone: str
    options: ReportOptions
    projection: LocalProjection
    events_seen: int
    during: Counts
    before: Counts
    after: Counts
    baseline: Baseline
    parts: tuple[PartReport, ...]
    near: tuple[NearReport, ...]
    events: tuple[EventEntry, ...]
    #: every inside/possibly pair; ``events`` lists them all or the first ``list_events``
    pairs_total: int = 0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; its shape is documented in ``docs/compliance.md``."""
        return report_json(self)


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(during: int, mean: float | None) -> float | None:
    return None if not mean else during / mean
