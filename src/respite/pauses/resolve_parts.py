"""Resolving one part: its zone (via the area catalogue), its windows and its promise.

Naive times are localised in the pause's zone. A one-off window's start or end that does not
exist on the local clock (the hour skipped when clocks go forward) is an error that says so;
recurring occurrences follow RFC 5545 (a missing local time is read with the offset in force
before the gap), since one rule cannot be asked to avoid every transition.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely import union_all
from shapely.geometry.base import BaseGeometry

from respite.errors import InvalidInput, NotFound, Problem
from respite.geometry import AreaCatalogue, circle, corridor, parse_geometry
from respite.pauses.model import PartSpec, PartStatus, WindowSpec, ZoneSpec
from respite.pauses.parts import Part, Promise
from respite.pauses.timing import AnnouncedLaterSpec
from respite.schedule import OneOffWindow, RecurrenceRule, RecurringWindow, Window, utc_seconds

T = TypeVar("T")


def resolve_part(
    pause_id: str,
    spec: PartSpec,
    tz: ZoneInfo | None,
    catalogue: AreaCatalogue,
    where: str,
    problems: list[Problem],
    status: PartStatus = PartStatus.ANNOUNCED,
) -> Part | None:
    zone = collect(problems, f"{where}.zone", lambda: resolve_zone(spec.zone, catalogue))
    windows = resolve_windows(spec.windows, tz, f"{where}.windows", problems)
    promise = None
    if spec.announced_later is not None:
        later = spec.announced_later
        promise = collect(
            problems, f"{where}.announced_later", lambda: to_promise(later, tz or ZoneInfo("UTC"))
        )
    if zone is None or windows is None or (spec.announced_later and promise is None):
        return None
    return Part(
        pause_id,
        spec.id,
        spec.name,
        zone,
        spec.zone,
        windows,
        status=status,
        promise=promise,
        movement=spec.movement,
    )


def resolve_windows(
    specs: tuple[WindowSpec, ...], tz: ZoneInfo | None, where: str, problems: list[Problem]
) -> tuple[Window, ...] | None:
    """Every window, or None (with the problems recorded) if any is unusable."""
    windows: list[Window] = []
    for index, window_spec in enumerate(specs):
        window = collect(problems, f"{where}[{index}]", partial(to_window, window_spec, tz))
        if window is not None:
            windows.append(window)
    return tuple(windows) if len(windows) == len(specs) else None


def to_promise(spec: AnnouncedLaterSpec, tz: ZoneInfo) -> Promise:
    """The spans a promised window may fall in, as a recurring window from earliest to latest."""
    rule = prefixed("rrule", lambda: RecurrenceRule.parse(spec.rrule))
    latest = spec.latest
    span = (
        timedelta(days=1) - _minutes(spec.earliest)
        if latest is None
        else _minutes(latest) - _minutes(spec.earliest)
    )
    if spec.until is not None:
        last = datetime.combine(spec.until, spec.earliest).replace(tzinfo=tz)
        rule = RecurrenceRule(rule.freq, rule.interval, rule.byday, None, last.astimezone(UTC))
    window = prefixed(
        "first_date",
        lambda: RecurringWindow(tz.key, spec.first_date, spec.earliest, span, rule),
    )
    return Promise(window, spec.duration, spec.notice_hours, spec.text)


def _minutes(clock: time) -> timedelta:
    return timedelta(hours=clock.hour, minutes=clock.minute)


def resolve_zone(spec: ZoneSpec, catalogue: AreaCatalogue) -> BaseGeometry:
    """The zone as a WGS84 shapely (Multi)Polygon."""
    region = catalogue.region()
    if spec.geometry is not None:
        raw_zone = spec.geometry
        return prefixed("geometry", lambda: parse_geometry(raw_zone, region=region))
    if spec.governorates is not None:
        governorates = [partial(catalogue.governorate, ref) for ref in spec.governorates]
        return union_all([_lookup("governorates", g).geometry for g in governorates])
    if spec.areas is not None:
        areas = [partial(catalogue.area, ref) for ref in spec.areas]
        return union_all([_lookup("areas", a).geometry for a in areas])
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
            line = prefixed(
                "corridor.line",
                lambda: parse_geometry(raw, allowed=("LineString",), region=region),
            )
        return prefixed("corridor", lambda: corridor(line, line_spec.width_m))
    assert spec.circle is not None  # the model guarantees exactly one form
    c = spec.circle
    return prefixed("circle", lambda: circle(c.lon, c.lat, c.radius_m))


def to_window(spec: WindowSpec, default_tz: ZoneInfo | None) -> Window:
    """A schedule window from its spec; naive times are local in the window's zone."""
    problems: list[Problem] = []
    tz = zone_info(spec.timezone, "timezone", problems) if spec.timezone else default_tz
    if problems:
        raise InvalidInput(problems)
    if tz is None:
        raise InvalidInput("no valid time zone for this window", location="timezone")
    if spec.start is not None:
        start = _existing_local(spec.start, tz, "start")
        end = None if spec.end is None else _existing_local(spec.end, tz, "end")
        if end is not None and end <= start:
            raise InvalidInput("end must be after start", location="end")
        return OneOffWindow(start, end)
    assert spec.start_time is not None  # a recurring window, as the model checked
    assert spec.first_date is not None
    duration = spec.duration or _wall_span(spec.start_time, spec.end_time)
    rrule = spec.rrule or ""
    rule = prefixed("rrule", lambda: RecurrenceRule.parse(rrule))
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


def _existing_local(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    """``value`` localised, refusing a wall-clock time the zone skips on that day."""
    if value.tzinfo is None:
        back = value.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != value:
            before = value.replace(tzinfo=tz, fold=0).utcoffset()
            after = value.replace(tzinfo=tz, fold=1).utcoffset()
            jump = abs((after or timedelta()) - (before or timedelta()))
            raise InvalidInput(
                f"{value:%H:%M} does not exist on {value:%Y-%m-%d} in {tz.key}: the clocks "
                f"jump forward by {int(jump.total_seconds() // 60)} minutes that night "
                "(daylight saving time); give a time outside the gap or a UTC offset",
                location=field,
            )
    return _localise(value, tz)


def instant(value: datetime, tz: ZoneInfo | None) -> int:
    return utc_seconds(_localise(value, tz or ZoneInfo("UTC")))


def local_date(seconds: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, UTC).astimezone(tz).date()


def zone_info(name: str | None, where: str, problems: list[Problem]) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(where, f"unknown time zone {name!r}; use an IANA name"))
        return None


def collect(problems: list[Problem], where: str, make: Callable[[], T]) -> T | None:
    try:
        return make()
    except InvalidInput as error:
        problems.extend(error.prefixed(where).problems)
    except NotFound as error:
        problems.append(Problem(where, error.detail))
    return None


def prefixed(where: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except InvalidInput as error:
        raise error.prefixed(where) from None


def _lookup(where: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except NotFound as error:
        raise InvalidInput(error.detail, location=where) from None
