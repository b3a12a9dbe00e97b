"""From a validated :class:`PauseSpec` to a usable :class:`Pause` with all its versions.

Resolution turns zone specs into shapely geometries (via the shipped area catalogue), window
specs into schedule windows (naive times localised in the pause's zone, RFC 5545 rules for
missing and repeated local times), and replays the amendments to produce one
:class:`PauseVersion` per version. Every problem is collected with its location in the file
before anything is raised, so a coordinator sees all mistakes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely import union_all
from shapely.geometry.base import BaseGeometry

from respite.errors import InvalidInput, NotFound, Problem
from respite.geometry import AreaCatalogue, circle, corridor, parse_geometry
from respite.pauses.model import (
    Amendment,
    AmendmentAction,
    PartSpec,
    PauseKind,
    PauseSpec,
    PauseStatus,
    Text,
    WindowSpec,
    ZoneSpec,
)
from respite.schedule import (
    IntervalSet,
    OneOffWindow,
    RecurrenceRule,
    RecurringWindow,
    Window,
    expand,
    utc_seconds,
)

T = TypeVar("T")

#: Stand-in for "no end" in removal intervals; later than any horizon the engine will use.
FOREVER = 2**62


@dataclass(frozen=True, slots=True)
class Part:
    """A zone with its windows, and the spans removed from it by amendments."""

    pause_id: str
    id: str
    name: Text | None
    zone: BaseGeometry
    zone_spec: ZoneSpec
    windows: tuple[Window, ...]
    #: UTC second spans [start, end) taken out by suspensions, shortenings and ends.
    removed: tuple[tuple[int, int], ...] = ()

    def coverage(self, lo: int, hi: int) -> IntervalSet:
        """The UTC intervals in [lo, hi) in which this part is paused."""
        windows = expand(self.windows, lo, hi)
        if not self.removed:
            return windows
        return windows - IntervalSet.from_pairs(self.removed).clip(lo, hi)

    @property
    def is_open_ended(self) -> bool:
        return any(w.is_open_ended for w in self.windows) and not any(
            end >= FOREVER for _, end in self.removed
        )

    def first_start(self) -> int:
        return min(_window_start(w) for w in self.windows)

    def last_end(self) -> int | None:
        """The end of the last window after removals, or None if open-ended."""
        cut = min((start for start, end in self.removed if end >= FOREVER), default=None)
        ends = [_window_end(w) for w in self.windows]
        if any(end is None for end in ends):
            return cut
        last = max(end for end in ends if end is not None)
        return last if cut is None else min(last, cut)


@dataclass(frozen=True, slots=True)
class PauseVersion:
    version: int
    status: PauseStatus
    #: When this version took effect (UTC seconds); None for a first version with no date.
    effective_at: int | None
    parts: tuple[Part, ...]
    amendment: Amendment | None = None

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise NotFound(f"no part {part_id!r} in version {self.version}")


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause as recorded: its specification and every version, oldest first."""

    spec: PauseSpec
    versions: tuple[PauseVersion, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def kind(self) -> PauseKind:
        return self.spec.kind

    @property
    def timezone(self) -> str:
        return self.spec.timezone

    @property
    def latest(self) -> PauseVersion:
        return self.versions[-1]

    def version_at(self, at: int) -> PauseVersion | None:
        """The version in force at ``at`` (as known then), or None before it was announced."""
        chosen = None
        for version in self.versions:
            if version.effective_at is None or version.effective_at <= at:
                chosen = version
        return chosen


def resolve_pause(spec: PauseSpec, catalogue: AreaCatalogue | None = None) -> Pause:
    """Resolve a pause spec; raises :class:`InvalidInput` listing every problem."""
    catalogue = catalogue or AreaCatalogue.bundled()
    problems: list[Problem] = []
    tz = _zone(spec.timezone, "timezone", problems)
    parts = tuple(
        part
        for index, part_spec in enumerate(spec.parts)
        if (part := _resolve_part(spec.id, part_spec, tz, catalogue, f"parts[{index}]", problems))
    )
    if problems:
        raise InvalidInput(problems)
    announced = _instant(spec.announced_at, tz) if spec.announced_at else None
    versions = [PauseVersion(1, spec.status, announced, parts)]
    for index, amendment in enumerate(spec.amendments):
        where = f"amendments[{index}]"
        try:
            versions.append(_amend(versions[-1], amendment, tz, catalogue, spec.id, where))
        except InvalidInput as error:
            problems.extend(error.problems)
            break
    if problems:
        raise InvalidInput(problems)
    return Pause(spec, tuple(versions))


# -- parts, zones, windows ---------------------------------------------------------------------


def _resolve_part(
    pause_id: str,
    spec: PartSpec,
    tz: ZoneInfo | None,
    catalogue: AreaCatalogue,
    where: str,
    problems: list[Problem],
) -> Part | None:
    zone = _collect(problems, f"{where}.zone", lambda: resolve_zone(spec.zone, catalogue))
    windows: list[Window] = []
    for index, window_spec in enumerate(spec.windows):
        window = _collect(
            problems, f"{where}.windows[{index}]", partial(to_window, window_spec, tz)
        )
        if window is not None:
            windows.append(window)
    if zone is None or len(windows) != len(spec.windows):
        return None
    return Part(pause_id, spec.id, spec.name, zone, spec.zone, tuple(windows))


def resolve_zone(spec: ZoneSpec, catalogue: AreaCatalogue) -> BaseGeometry:
    """The zone as a WGS84 shapely (Multi)Polygon."""
    region = catalogue.region()
    if spec.geometry is not None:
        raw_zone = spec.geometry
        return _prefixed("geometry", lambda: parse_geometry(raw_zone, region=region))
    if spec.governorates is not None:
        governorates = [partial(catalogue.governorate, ref) for ref in spec.governorates]
        return union_all([_lookup("governorates", g).geometry for g in governorates])
    if spec.blocks is not None:
        blocks = [partial(catalogue.block, number) for number in spec.blocks]
        return union_all([_lookup("blocks", b).geometry for b in blocks])
    if spec.corridor is not None:
        line_spec = spec.corridor
        if line_spec.road is not None:
            road = line_spec.road
            line = _lookup("corridor.road", lambda: catalogue.road(road).geometry)
        else:
            raw = line_spec.line
            line = _prefixed(
                "corridor.line",
                lambda: parse_geometry(raw, allowed=("LineString",), region=region),
            )
        return _prefixed("corridor", lambda: corridor(line, line_spec.width_m))
    assert spec.circle is not None  # the model guarantees exactly one form
    c = spec.circle
    return _prefixed("circle", lambda: circle(c.lon, c.lat, c.radius_m))


def to_window(spec: WindowSpec, default_tz: ZoneInfo | None) -> Window:
    """A schedule window from its spec; naive times are local in the window's zone."""
    problems: list[Problem] = []
    tz = _zone(spec.timezone, "timezone", problems) if spec.timezone else default_tz
    if problems:
        raise InvalidInput(problems)
    if tz is None:
        raise InvalidInput("no valid time zone for this window", location="timezone")
    if spec.start is not None:
        start = _localise(spec.start, tz)
        end = None if spec.end is None else _localise(spec.end, tz)
        if end is not None and end <= start:
            raise InvalidInput("end must be after start", location="end")
        return OneOffWindow(start, end)
    assert spec.start_time is not None  # a recurring window, as the model checked
    assert spec.first_date is not None
    duration = spec.duration or _wall_span(spec.start_time, spec.end_time)
    rrule = spec.rrule or ""
    rule = _prefixed("rrule", lambda: RecurrenceRule.parse(rrule))
    return RecurringWindow(
        timezone=tz.key,
        first_date=spec.first_date,
        start_time=spec.start_time,
        duration=duration,
        rule=rule,
        exdates=frozenset(spec.exdates),
    )


def _wall_span(start: time, end: time | None) -> timedelta:
    # end_time is read on the wall clock of an ordinary day: 22:00-02:00 is four hours.
    assert end is not None  # the model requires duration or end_time
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return timedelta(minutes=minutes if minutes > 0 else minutes + 24 * 60)


def _localise(value: datetime, tz: ZoneInfo) -> datetime:
    # fold=0 gives RFC 5545 3.3.5: a repeated local time is its first occurrence, and a
    # missing one is read with the offset in force before the gap.
    if value.tzinfo is None:
        return value.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return value.astimezone(UTC)


def _instant(value: datetime, tz: ZoneInfo | None) -> int:
    return utc_seconds(_localise(value, tz or ZoneInfo("UTC")))


# -- amendments --------------------------------------------------------------------------------


def _amend(
    current: PauseVersion,
    amendment: Amendment,
    tz: ZoneInfo | None,
    catalogue: AreaCatalogue,
    pause_id: str,
    where: str,
) -> PauseVersion:
    at = _instant(amendment.effective_at, tz)
    if current.status in (PauseStatus.ENDED, PauseStatus.CANCELLED):
        raise InvalidInput(
            f"the pause is {current.status.value} (version {current.version}); "
            f"it cannot be amended with {amendment.action.value}",
            location=f"{where}.action",
        )
    if current.effective_at is not None and at < current.effective_at:
        raise InvalidInput(
            "effective_at is earlier than the version it amends", location=f"{where}.effective_at"
        )
    selected = _selected(current, amendment, where)
    until = _instant(amendment.until, tz) if amendment.until else None
    action = amendment.action
    status: PauseStatus = current.status
    parts = list(current.parts)

    def each(change: Callable[[Part], Part]) -> None:
        for i, part in enumerate(parts):
            if part.id in selected:
                parts[i] = change(part)

    if action is AmendmentAction.EXTEND:
        assert until is not None
        each(lambda p: _extend(p, until, f"{where}.until"))
    elif action is AmendmentAction.SHORTEN:
        assert until is not None
        each(lambda p: _shorten(p, until, f"{where}.until"))
    elif action is AmendmentAction.SUSPEND:
        end = until if until is not None else FOREVER
        if end <= at:
            raise InvalidInput("until must be after effective_at", location=f"{where}.until")
        each(lambda p: replace(p, removed=(*p.removed, (at, end))))
        status = PauseStatus.SUSPENDED if until is None else status
    elif action is AmendmentAction.RESUME:
        each(lambda p: _resume(p, at, f"{where}.action"))
        status = PauseStatus.ANNOUNCED
    elif action in (AmendmentAction.END, AmendmentAction.CANCEL):
        each(lambda p: replace(p, removed=(*p.removed, (at, FOREVER))))
        status = PauseStatus.ENDED if action is AmendmentAction.END else PauseStatus.CANCELLED
    else:
        assert amendment.new_parts is not None
        problems: list[Problem] = []
        new = [
            _resolve_part(pause_id, spec, tz, catalogue, f"{where}.new_parts[{i}]", problems)
            for i, spec in enumerate(amendment.new_parts)
        ]
        if problems:
            raise InvalidInput(problems)
        parts = [p for p in new if p is not None]
    return PauseVersion(amendment.version, status, at, tuple(parts), amendment)


def _selected(current: PauseVersion, amendment: Amendment, where: str) -> set[str]:
    known = [part.id for part in current.parts]
    if amendment.parts is None:
        return set(known)
    unknown = [p for p in amendment.parts if p not in known]
    if unknown:
        raise InvalidInput(
            f"unknown part {unknown[0]!r}; this version has {', '.join(known)}",
            location=f"{where}.parts",
        )
    return set(amendment.parts)


def _extend(part: Part, until: int, where: str) -> Part:
    current_end = part.last_end()
    if current_end is None:
        raise InvalidInput(f"part {part.id!r} is already until further notice", location=where)
    if until <= current_end:
        raise InvalidInput(
            f"extend must move the end of part {part.id!r} later than {_iso(current_end)}",
            location=where,
        )
    # The window that ends last is the one extended; cuts at or after its old end (a
    # shortening now superseded) are lifted. The new end is exact: a recurring window gets
    # UNTIL and a cut at `until`, so an occurrence that would run past it stops there.
    windows = list(part.windows)
    last = max(range(len(windows)), key=lambda i: _window_end(windows[i]) or FOREVER)
    window = windows[last]
    new_end = datetime.fromtimestamp(until, UTC)
    removed = [(s, e) for s, e in part.removed if not (e >= FOREVER and s >= current_end)]
    if isinstance(window, OneOffWindow):
        windows[last] = OneOffWindow(window.start, new_end)
    else:
        windows[last] = replace(window, rule=replace(window.rule, count=None, until=new_end))
        removed.append((until, FOREVER))
    extended = replace(part, windows=tuple(windows), removed=tuple(removed))
    new_last = extended.last_end()
    if new_last is None or new_last <= current_end:
        raise InvalidInput(
            f"extending part {part.id!r} to {_iso(until)} adds no window: its next occurrence "
            "starts later; extend to a time inside that occurrence",
            location=where,
        )
    return extended


def _shorten(part: Part, until: int, where: str) -> Part:
    current_end = part.last_end()
    if current_end is not None and until >= current_end:
        raise InvalidInput(
            f"shorten must move the end of part {part.id!r} earlier than {_iso(current_end)}",
            location=where,
        )
    return replace(part, removed=(*part.removed, (until, FOREVER)))


def _resume(part: Part, at: int, where: str) -> Part:
    open_ones = [i for i, (s, e) in enumerate(part.removed) if e >= FOREVER and s <= at]
    if not open_ones:
        raise InvalidInput(f"part {part.id!r} has no open suspension to resume", location=where)
    removed = list(part.removed)
    start, _ = removed[open_ones[-1]]
    removed[open_ones[-1]] = (start, at)
    return replace(part, removed=tuple(removed))


# -- helpers -----------------------------------------------------------------------------------


def _window_start(window: Window) -> int:
    if isinstance(window, OneOffWindow):
        return utc_seconds(window.start)
    return window.first_start()


def _window_end(window: Window) -> int | None:
    if isinstance(window, OneOffWindow):
        return None if window.end is None else utc_seconds(window.end)
    return window.last_end()


def _zone(name: str | None, where: str, problems: list[Problem]) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(where, f"unknown time zone {name!r}; use an IANA name"))
        return None


def _collect(problems: list[Problem], where: str, make: Callable[[], T]) -> T | None:
    try:
        return make()
    except InvalidInput as error:
        problems.extend(error.prefixed(where).problems)
    except NotFound as error:
        problems.append(Problem(where, error.detail))
    return None


def _prefixed(where: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except InvalidInput as error:
        raise error.prefixed(where) from None


def _lookup(where: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except NotFound as error:
        raise InvalidInput(error.detail, location=where) from None


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()
