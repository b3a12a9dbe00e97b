"""The coverage engine: "is this place paused at this moment, by what, and until when?"

Built once from a set of pauses over a time horizon; then answers single questions
(:meth:`CoverageEngine.status`), floods of them in one vectorised call
(:meth:`CoverageEngine.status_many`) and route questions (:mod:`respite.engine.route`).

Which version of a pause answers for an instant T: the version in force at T (the latest
whose ``effective_at <= T``), never a later one: an amendment changes coverage from its
effective time on only. By default every recorded version counts (what we now know was in
effect); with ``as_known_at`` only the versions announced by then (what people had been
told), so that a monitor can replay it. Every match names the version it used and when that
version was announced. Draft and cancelled pauses never answer covered; a part promised
without times answers ``expected`` on a promised day (:class:`Expected`), never covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from respite.engine.grid import Layout
from respite.engine.index import BoolArray, FloatArray, IntArray, SpaceTimeIndex
from respite.errors import InvalidInput, OutsideHorizon
from respite.pauses.model import MovementRule, Objective, PartStatus, PauseKind, Text
from respite.pauses.movement import MovementSpec
from respite.pauses.parts import BrokenReport
from respite.pauses.resolve import Part, Pause, PauseVersion
from respite.schedule import from_utc_seconds, utc_seconds

#: How far past the last finite window (or now) an engine looks for open-ended windows.
DEFAULT_LOOKAHEAD = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Match:
    """One pause part covering the point now."""

    pause_id: str
    part_id: str
    kind: PauseKind
    name: Text
    version: int
    window_start: datetime
    window_end: datetime
    objectives: tuple[Objective, ...]
    timezone: str
    #: when the version used was announced (None: a first version recorded without a date)
    version_announced_at: datetime | None = None
    status: PartStatus = PartStatus.ANNOUNCED
    #: reports that this window was broken: it was announced, but not respected
    broken: tuple[BrokenReport, ...] = ()
    movement: MovementSpec | None = None
    movement_rules: tuple[MovementRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Expected:
    """A promised window not yet announced: expected today, its time told ``notice`` ahead."""

    pause_id: str
    part_id: str
    kind: PauseKind
    name: Text
    version: int
    #: the span the window will fall in (local earliest - latest of the promised day)
    span_start: datetime
    span_end: datetime
    duration_s: int
    notice_hours: float
    timezone: str


@dataclass(frozen=True, slots=True)
class NextWindow:
    pause_id: str
    part_id: str
    kind: PauseKind
    name: Text
    start: datetime
    end: datetime
    timezone: str


@dataclass(frozen=True, slots=True)
class Status:
    lon: float
    lat: float
    at: datetime
    covered: bool
    matches: tuple[Match, ...]
    #: when the coverage that holds now stops, counting back-to-back windows of any pause
    covered_until: datetime | None
    #: the first window that will cover the point, when it is not covered now
    next_window: NextWindow | None
    #: promised windows expected at the point on this day whose times are not yet announced
    expected: tuple[Expected, ...] = ()
    #: the "as known at" instant the answer replays, if any
    known_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _About:
    pause_id: str
    part_id: str
    kind: PauseKind
    name: Text
    version: int
    objectives: tuple[Objective, ...]
    timezone: str
    pause: Pause
    upto: PauseVersion
    part: Part

    @classmethod
    def of(cls, pause: Pause, version: PauseVersion, part: Part) -> _About:
        return cls(
            pause_id=pause.id,
            part_id=part.id,
            kind=pause.kind,
            name=part.name or pause.spec.name,
            version=version.version,
            objectives=tuple(
                o for o in pause.spec.objectives if o.part is None or o.part == part.id
            ),
            timezone=pause.timezone,
            pause=pause,
            upto=version,
            part=part,
        )

    def in_force(self, t: int) -> PauseVersion:
        return self.pause.version_at(t, self.upto)


@dataclass(frozen=True, slots=True)
class BatchStatus:
    """Answers for arrays of (lon, lat, t); ``pairs`` lists every covering (point, part)."""

    covered: BoolArray
    #: per point: UTC seconds at which the current covering window ends, or -1
    window_end: IntArray
    pair_points: IntArray
    pair_parts: IntArray


class CoverageEngine:
    """Answers coverage questions for a fixed set of pauses; see the module docstring."""

    def __init__(
        self,
        pauses: Sequence[Pause],
        *,
        horizon: tuple[datetime, datetime] | None = None,
        as_known_at: datetime | None = None,
        cells_per_zone: int | None = None,
        index_layout: Layout = "levels",
    ) -> None:
        self.pauses = {pause.id: pause for pause in pauses}
        known_at = None if as_known_at is None else utc_seconds(as_known_at)
        self.known_at = None if known_at is None else from_utc_seconds(known_at)
        entries: list[tuple[Pause, PauseVersion, Part]] = []
        zones = []
        for pause in pauses:
            version = pause.latest if known_at is None else pause.known_at(known_at)
            if version is None:
                continue
            for part in version.parts:
                # A part that moved (replaced parts) answers in each zone for its own time.
                for zone in part.zones():
                    entries.append((pause, version, part))
                    zones.append(zone)
        self.entries = entries
        # What an answer says about each part, worked out once rather than per question.
        self._about = [_About.of(pause, version, part) for pause, version, part in entries]
        self._matches: dict[tuple[int, int], Match] = {}
        self._upcoming: dict[int, NextWindow] = {}
        lo, hi = self._horizon(entries, horizon)
        self.horizon = (from_utc_seconds(lo), from_utc_seconds(hi))
        pairs = zip(entries, zones, strict=True)
        schedules = [part.coverage_in(zone, lo, hi) for (_, _, part), zone in pairs]
        kwargs = {} if cells_per_zone is None else {"cells_per_zone": cells_per_zone}
        self.index = SpaceTimeIndex(zones, schedules, (lo, hi), layout=index_layout, **kwargs)
        self._promising = {i for i, (_, _, part) in enumerate(entries) if part.promise is not None}

    @staticmethod
    def _horizon(
        entries: Sequence[tuple[Pause, PauseVersion, Part]],
        horizon: tuple[datetime, datetime] | None,
    ) -> tuple[int, int]:
        if horizon is not None:
            lo, hi = utc_seconds(horizon[0]), utc_seconds(horizon[1])
            if hi <= lo:
                raise InvalidInput("horizon end must be after its start", location="horizon")
            return lo, hi
        now = utc_seconds(datetime.now(UTC))
        starts = [part.first_start() for _, _, part in entries]
        ends = [part.last_end() for _, _, part in entries]
        lo = min(starts, default=now) - 86_400
        finite = [end for end in ends if end is not None]
        hi = max([*finite, now]) + int(DEFAULT_LOOKAHEAD.total_seconds())
        return lo, hi

    def _check_time(self, t: int) -> None:
        lo, hi = self.index.horizon
        if not lo <= t < hi:
            raise OutsideHorizon(
                f"{from_utc_seconds(t).isoformat()} is outside the engine's horizon "
                f"{self.horizon[0].isoformat()} - {self.horizon[1].isoformat()}"
            )

    # -- single ---------------------------------------------------------------------------------

    def status(self, lon: float, lat: float, at: datetime) -> Status:
        """What covers (lon, lat) at ``at``; if nothing, the next window that will.

        Examples
        --------
        >>> from respite.scenarios import load_scenario
        >>> from datetime import datetime, UTC
        >>> engine = CoverageEngine(load_scenario("gaza-2023-2024"))
        >>> engine.status(34.35, 31.42, datetime(2024, 9, 2, 8, 0, tzinfo=UTC)).covered
        True
        """
        t = utc_seconds(at)
        self._check_time(t)
        covering, upcoming = self.index.probe(lon, lat, t)
        at_utc = at if at.tzinfo is UTC else from_utc_seconds(t)
        expected = self._expected(lon, lat, t, covering) if self._promising else ()
        known = self.known_at
        if not covering:
            nxt = None if upcoming is None else self._next(*upcoming)
            return Status(lon, lat, at_utc, False, (), None, nxt, expected, known)
        matches = tuple(self._match(z, i, t) for z, i in covering)
        if len(matches) > 1:
            matches = tuple(sorted(matches, key=lambda m: (m.pause_id, m.part_id)))
        until = self._covered_until(t, covering)
        return Status(lon, lat, at_utc, True, matches, until, None, expected, known)

    def _match(self, zone: int, interval: int, t: int) -> Match:
        # Answers are immutable and the same for every question inside one interval and
        # version, so each is built once (a bounded number: intervals times versions).
        version = self._about[zone].in_force(t).version
        found = self._matches.get((interval, version))
        if found is None:
            found = self._matches[(interval, version)] = self._new_match(zone, interval, t)
        return found

    def _new_match(self, zone: int, interval: int, t: int) -> Match:
        about = self._about[zone]
        version = about.in_force(t)
        start, end = self.index.starts_py[interval], self.index.ends_py[interval]
        part = about.part
        return Match(
            pause_id=about.pause_id,
            part_id=about.part_id,
            kind=about.kind,
            name=about.name,
            version=version.version,
            window_start=from_utc_seconds(start),
            window_end=from_utc_seconds(end),
            objectives=about.objectives,
            timezone=about.timezone,
            version_announced_at=(
                None if version.announced_at is None else from_utc_seconds(version.announced_at)
            ),
            status=part.status,
            broken=tuple(b for b in part.broken if b.start < end and b.end > start),
            movement=part.movement,
            movement_rules=about.pause.spec.movement_rules,
        )

    def _expected(
        self, lon: float, lat: float, t: int, covering: Sequence[tuple[int, int]]
    ) -> tuple[Expected, ...]:
        covered_by = {(self.entries[z][0].id, self.entries[z][2].id) for z, _ in covering}
        found: list[Expected] = []
        for zone in self.index.zones_at(lon, lat):
            if zone not in self._promising:
                continue
            about = self._about[zone]
            part = about.part
            promise = part.promise
            if promise is None or (about.pause_id, part.id) in covered_by:
                continue
            for start, end in part.promised(t - 2 * 86_400, t + 2 * 86_400):
                if start <= t < end:
                    found.append(
                        Expected(
                            about.pause_id,
                            part.id,
                            about.kind,
                            about.name,
                            about.in_force(t).version,
                            from_utc_seconds(start),
                            from_utc_seconds(end),
                            int(promise.duration.total_seconds()),
                            promise.notice_hours,
                            about.timezone,
                        )
                    )
        return tuple(found)

    def _next(self, zone: int, interval: int) -> NextWindow:
        found = self._upcoming.get(interval)
        if found is None:
            found = self._upcoming[interval] = self._new_next(zone, interval)
        return found

    def _new_next(self, zone: int, interval: int) -> NextWindow:
        about = self._about[zone]
        return NextWindow(
            pause_id=about.pause_id,
            part_id=about.part_id,
            kind=about.kind,
            name=about.name,
            start=from_utc_seconds(self.index.starts_py[interval]),
            end=from_utc_seconds(self.index.ends_py[interval]),
            timezone=about.timezone,
        )

    def _covered_until(self, t: int, covering: Sequence[tuple[int, int]]) -> datetime | None:
        if not covering:
            return None
        # Windows of different pauses may follow each other without a gap; people care
        # about when coverage as a whole stops.
        ends = self.index.ends_py
        end = max(ends[interval] for _, interval in covering)
        extended = True
        while extended:
            extended = False
            for zone, _ in covering:
                interval = self.index.interval_at(zone, end)
                if interval >= 0 and ends[interval] > end:
                    end = ends[interval]
                    extended = True
        return from_utc_seconds(end)

    # -- many -----------------------------------------------------------------------------------

    def status_many(
        self,
        lons: npt.ArrayLike,
        lats: npt.ArrayLike,
        times: npt.ArrayLike,
    ) -> BatchStatus:
        """Vectorised coverage for arrays of points and UTC times (seconds or datetime64).

        Examples
        --------
        >>> import numpy as np
        >>> from respite.scenarios import load_scenario
        >>> engine = CoverageEngine(load_scenario("gaza-2023-2024"))
        >>> t = np.array(["2024-09-02T08:00", "2024-09-02T20:00"], dtype="datetime64[s]")
        >>> engine.status_many([34.35, 34.35], [31.42, 31.42], t).covered.tolist()
        [True, False]
        """
        xs = np.asarray(lons, dtype=np.float64)
        ys = np.asarray(lats, dtype=np.float64)
        ts = _as_seconds(times)
        if not (xs.shape == ys.shape == ts.shape) or xs.ndim != 1:
            raise InvalidInput("lons, lats and times must be 1-D arrays of the same length")
        lo, hi = self.index.horizon
        if len(ts) and (ts.min() < lo or ts.max() >= hi):
            raise OutsideHorizon(
                f"times must lie within {self.horizon[0].isoformat()} - "
                f"{self.horizon[1].isoformat()}"
            )
        hits = self.index.hits(xs, ys, ts)
        covered = np.zeros(len(xs), dtype=bool)
        covered[hits.points] = True
        window_end = np.full(len(xs), -1, dtype=np.int64)
        np.maximum.at(window_end, hits.points, self.index.ends[hits.intervals])
        return BatchStatus(covered, window_end, hits.points, hits.zones)

    def part_of(self, index: int) -> tuple[Pause, PauseVersion, Part]:
        """The (pause, version, part) behind an index in ``BatchStatus.pair_parts``."""
        return self.entries[index]


def _as_seconds(times: npt.ArrayLike) -> IntArray:
    array = np.asarray(times)
    if np.issubdtype(array.dtype, np.datetime64):
        return array.astype("datetime64[s]").astype(np.int64)
    if array.dtype == object:
        return np.array([utc_seconds(t) for t in array.tolist()], dtype=np.int64)
    return array.astype(np.int64)


__all__ = [
    "BatchStatus",
    "CoverageEngine",
    "Expected",
    "FloatArray",
    "Match",
    "NextWindow",
    "Status",
]
