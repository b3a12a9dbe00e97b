"""From a pause to the zone-window rows a compliance report joins events against.

One row per (part, window occurrence, phase): ``during`` the window, the margins ``before``
and ``after`` it, and ``baseline``: the same local clock hours on the days before the pause
began, so that "fewer events during the pause" can be compared with "as many as usual at those
hours". ``near`` rows are buffers around sites and movements during their own times.

Everything is projected with one :class:`LocalProjection` around the pause's zones, so the
join works in metres (a 2 km radius is 2 km, not an ellipse in degrees).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiLineString, MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from respite.compliance.frame import Float64Array, Int32Array, Int64Array, ZoneWindows
from respite.compliance.report.accumulate import Accumulator
from respite.compliance.report.phases import (
    AFTER,
    BASELINE,
    BEFORE,
    DURING,
    NEAR,
    PHASES,
    SCOPED_PHASES,
    Phase,
)
from respite.compliance.report.times import (
    WindowOccurrence,
    first_shift,
    margins,
    occurrences,
    shifted,
)
from respite.errors import InvalidInput, Problem
from respite.geometry import MAX_DISTANCE_M, LocalProjection
from respite.pauses.resolve import Part, Pause
from respite.schedule import IntervalSet

_NEAR_KINDS = ("site", "movement")
_NEAR_SHAPES = (Point, LineString, MultiPoint, MultiLineString)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How a compliance report is framed."""

    margin_hours: float = 6.0
    baseline_days: int = 7
    near_distance_m: float = 1000.0
    #: UTC seconds: what happened up to here. Required for pauses that run until further
    #: notice; for others it cuts windows still open at that time.
    as_of: int | None = None
    #: How many (event, row) pairs the report lists one by one (None: all). Counts are always
    #: over every pair; the list, for checking by hand, keeps the windows' own pairs first.
    list_events: int | None = 20_000

    def problems(self) -> list[Problem]:
        found = []
        if not (math.isfinite(self.margin_hours) and 0 < self.margin_hours <= 24 * 7):
            found.append(Problem("options.margin_hours", "must be > 0 and at most 168 hours"))
        if isinstance(self.baseline_days, bool) or not 0 <= self.baseline_days <= 90:
            found.append(Problem("options.baseline_days", "must be a whole number from 0 to 90"))
        if not (math.isfinite(self.near_distance_m) and 0 < self.near_distance_m <= MAX_DISTANCE_M):
            found.append(Problem("options.near_distance_m", "must be > 0 and at most 100 km"))
        if self.list_events is not None and (
            isinstance(self.list_events, bool) or self.list_events < 0
        ):
            found.append(Problem("options.list_events", "must be a whole number >= 0, or None"))
        return found


@dataclass(frozen=True, slots=True)
class NearFeature:
    """A site or a movement's route; events within the near distance of it are counted."""

    kind: str  # "site" | "movement"
    id: str
    label: str
    geometry: BaseGeometry  # lon/lat: a point or a line
    start: int  # UTC seconds
    end: int


@dataclass(frozen=True, slots=True)
class BaselineUses:
    """Which baseline row stands for day ``day`` (1 = nearest) before window ``window``.

    Daily windows share their baseline days, so one row may serve many windows; the arrays are
    parallel, one entry per (window, day).
    """

    window: Int32Array
    day: Int32Array
    shift_days: Int32Array  # whole local days the window's clock hours were moved back
    row: Int64Array


@dataclass(frozen=True, slots=True)
class Scope:
    """Rows whose distinct events are counted together (a pause's or a part's phase)."""

    part: int | None  # None: the whole pause
    phase: int
    rows: Int64Array
    starts: Int64Array  # the rows' time, merged: disjoint and sorted
    ends: Int64Array


@dataclass(frozen=True, slots=True)
class ReportPlan:
    """A pause's zone-window rows (``rows``) and what each row is, in parallel arrays.

    Row ``r`` is phase ``PHASES[row_phase[r]]`` of part ``parts[row_part[r]]``, for window
    ``windows[row_window[r]]`` (during and margins) or near feature ``near[row_near[r]]``;
    baseline rows are mapped to windows and days by ``baseline``.
    """

    pause: Pause
    options: ReportOptions
    projection: LocalProjection
    parts: tuple[Part, ...]
    near: tuple[NearFeature, ...]
    windows: tuple[WindowOccurrence, ...]
    rows: ZoneWindows
    row_phase: npt.NDArray[np.int8]
    row_part: Int32Array  # -1 for near rows
    row_window: Int32Array  # -1 for baseline and near rows
    row_near: Int32Array  # -1 except near rows
    baseline: BaselineUses
    scopes: tuple[Scope, ...]
    first_start: int
    #: Equal for plans built alike: a copy that crossed the network merges with the original.
    fingerprint: str

    @classmethod
    def build(
        cls, pause: Pause, *, near: Sequence[NearFeature] = (), options: ReportOptions
    ) -> ReportPlan:
        """Rows for ``pause``'s latest version; raises InvalidInput naming every problem."""
        problems = options.problems() + _near_problems(near)
        parts = pause.latest.parts
        if not parts:
            problems.append(Problem("pause.parts", f"pause {pause.id!r} has no parts"))
        open_parts = [p.id for p in parts if p.last_end() is None]
        if open_parts and options.as_of is None:
            problems.append(
                Problem(
                    "options.as_of",
                    f"pause {pause.id!r} runs until further notice (part {open_parts[0]!r}); "
                    "give as_of, the UTC time the report is made as of",
                )
            )
        if problems:
            raise InvalidInput(problems)
        tz = ZoneInfo(pause.timezone)
        projection = LocalProjection.around(GeometryCollection([p.zone for p in parts]))
        first = min(p.first_start() for p in parts)
        builder = _Rows()
        for part in parts:
            builder.zones.append(projection.to_metric(part.zone))
        windows = occurrences(parts, options.as_of)
        margin = round(options.margin_hours * 3600)
        for w, occ in enumerate(windows):
            builder.add(occ.part, occ.start, occ.end, DURING, window=w)
            before, after = margins(windows, w, margin, options.as_of)
            if before:
                builder.add(occ.part, *before, BEFORE, window=w)
            if after:
                builder.add(occ.part, *after, AFTER, window=w)
        for w, occ in enumerate(windows):
            k = first_shift(occ, first, tz)
            # A window longer than a day is compared with spans of its own length laid end to
            # end before the pause (a 7-day truce: the 7 days before it), never with spans that
            # overlap one another and count the same event many times.
            step = max(1, -(-(occ.end - occ.start) // 86_400))
            for day in range(1, max(1, options.baseline_days // step) + 1):
                shift = k + (day - 1) * step
                start, end = shifted(occ, shift, tz)
                row = builder.baseline_row(occ.part, start, end)
                builder.uses.append((w, day, shift, row))
        for f, feature in enumerate(near):
            metric = projection.to_metric(feature.geometry).buffer(options.near_distance_m)
            builder.zones.append(metric)
            builder.add(len(builder.zones) - 1, feature.start, feature.end, NEAR, near=f)
        rows = builder.frame()
        return cls(
            pause=pause,
            options=options,
            projection=projection,
            parts=parts,
            near=tuple(near),
            windows=windows,
            rows=rows,
            row_phase=np.array(builder.phase, dtype=np.int8),
            row_part=np.array(builder.part, dtype=np.int32),
            row_window=np.array(builder.window, dtype=np.int32),
            row_near=np.array(builder.near, dtype=np.int32),
            baseline=_uses(builder.uses),
            scopes=_scopes(rows, builder, len(parts)),
            first_start=first,
            fingerprint=_fingerprint(pause, options, rows, builder),
        )

    def accumulator(self) -> Accumulator:
        """An empty accumulator: feed it chunks of events, merge it with others, finish it."""
        return Accumulator(self)

    def project(self, lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
        """Lon/lat degrees to this plan's metric frame, as arrays (no point objects)."""
        return self.projection.xy_to_metric(lon, lat)


class _Rows:
    def __init__(self) -> None:
        self.zones: list[BaseGeometry] = []
        self.zone: list[int] = []
        self.start: list[int] = []
        self.end: list[int] = []
        self.phase: list[int] = []
        self.part: list[int] = []
        self.window: list[int] = []
        self.near: list[int] = []
        self.uses: list[tuple[int, int, int, int]] = []
        self._baseline: dict[tuple[int, int, int], int] = {}

    def add(
        self, zone: int, start: int, end: int, phase: int, *, window: int = -1, near: int = -1
    ) -> int:
        self.zone.append(zone)
        self.start.append(start)
        self.end.append(end)
        self.phase.append(phase)
        self.part.append(-1 if phase == NEAR else zone)
        self.window.append(window)
        self.near.append(near)
        return len(self.zone) - 1

    def baseline_row(self, part: int, start: int, end: int) -> int:
        # Daily windows all look back at the same days: one row per distinct interval keeps
        # each baseline event listed once, however many windows it serves.
        key = (part, start, end)
        if key not in self._baseline:
            self._baseline[key] = self.add(part, start, end, BASELINE)
        return self._baseline[key]

    def frame(self) -> ZoneWindows:
        return ZoneWindows(
            zones=tuple(self.zones),
            zone=np.array(self.zone, dtype=np.int32),
            start=np.array(self.start, dtype=np.int64),
            end=np.array(self.end, dtype=np.int64),
        )


def _uses(uses: Sequence[tuple[int, int, int, int]]) -> BaselineUses:
    table = np.array(uses, dtype=np.int64).reshape(-1, 4)
    return BaselineUses(
        window=table[:, 0].astype(np.int32),
        day=table[:, 1].astype(np.int32),
        shift_days=table[:, 2].astype(np.int32),
        row=table[:, 3].copy(),
    )


def _scopes(rows: ZoneWindows, builder: _Rows, n_parts: int) -> tuple[Scope, ...]:
    phase = np.array(builder.phase, dtype=np.int64)
    part = np.array(builder.part, dtype=np.int64)
    found = []
    for ph in SCOPED_PHASES:
        for p in (None, *range(n_parts)):
            mask = (phase == ph) if p is None else (phase == ph) & (part == p)
            index = np.flatnonzero(mask).astype(np.int64)
            merged = IntervalSet(rows.start[index], rows.end[index])
            found.append(Scope(p, ph, index, merged.starts, merged.ends))
    return tuple(found)


def _fingerprint(pause: Pause, options: ReportOptions, rows: ZoneWindows, builder: _Rows) -> str:
    digest = hashlib.sha256(f"{pause.id}\n{pause.latest.version}\n{options!r}".encode())
    for column in (rows.zone, rows.start, rows.end, builder.phase, builder.window, builder.near):
        digest.update(np.asarray(column, dtype=np.int64).tobytes())
    for zone in rows.zones:
        digest.update(shapely.to_wkb(zone))
    return digest.hexdigest()


def _near_problems(near: Sequence[NearFeature]) -> list[Problem]:
    found = []
    for i, feature in enumerate(near):
        where = f"near[{i}]"
        if feature.kind not in _NEAR_KINDS:
            found.append(
                Problem(f"{where}.kind", f"must be site or movement, got {feature.kind!r}")
            )
        geom = feature.geometry
        if not isinstance(geom, _NEAR_SHAPES) or geom.is_empty:
            kind = geom.geom_type if isinstance(geom, BaseGeometry) else type(geom).__name__
            found.append(Problem(f"{where}.geometry", f"must be a point or a line, got {kind}"))
        elif not _in_degrees(geom):
            found.append(Problem(f"{where}.geometry", "coordinates must be lon/lat degrees"))
        if not feature.start < feature.end:
            found.append(Problem(f"{where}.end", "must be after start"))
    return found


def _in_degrees(geom: BaseGeometry) -> bool:
    xy = shapely.get_coordinates(geom)
    finite = bool(np.isfinite(xy).all())
    return finite and bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())


__all__ = [
    "AFTER",
    "BASELINE",
    "BEFORE",
    "DURING",
    "NEAR",
    "PHASES",
    "BaselineUses",
    "NearFeature",
    "Phase",
    "ReportOptions",
    "ReportPlan",
    "Scope",
    "WindowOccurrence",
]
