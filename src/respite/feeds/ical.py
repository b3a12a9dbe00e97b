"""iCalendar (RFC 5545) export: one VEVENT per window of each pause part.

Recurring windows keep their RRULE with DTSTART;TZID in the pause's zone, so a calendar shows
"06:00-15:00 Asia/Gaza" the way it was announced. What amendments removed is written the RFC
5545 way: whole occurrences as EXDATE, a cut-off tail as a new UNTIL, and a partly removed
occurrence as EXDATE plus a one-off VEVENT for what is left. SEQUENCE is the pause version
minus one, so calendar clients replace the older copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from respite.pauses.model import PauseStatus
from respite.pauses.resolve import FOREVER, Part, Pause, PauseVersion
from respite.schedule import IntervalSet, OneOffWindow, RecurringWindow, from_utc_seconds

PRODID = "-//Respite//Humanitarian pauses//EN"
UID_DOMAIN = "respite.pauses"
_STATUS = {
    PauseStatus.DRAFT: "TENTATIVE",
    PauseStatus.ANNOUNCED: "CONFIRMED",
    PauseStatus.SUSPENDED: "CONFIRMED",
    PauseStatus.ENDED: "CONFIRMED",
    PauseStatus.CANCELLED: "CANCELLED",
}


def pauses_to_ical(pauses: Iterable[Pause], *, stamp: datetime | None = None) -> bytes:
    """A VCALENDAR with every part's windows; ``stamp`` fixes DTSTAMP for reproducible output."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Respite humanitarian pauses")
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for pause in pauses:
        for event in pause_events(pause, pause.latest, stamp=stamp):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def pause_events(pause: Pause, version: PauseVersion, *, stamp: datetime) -> list[Event]:
    events: list[Event] = []
    for part in version.parts:
        for n, window in enumerate(part.windows):
            uid = f"{pause.id}.{part.id}.{n}@{UID_DOMAIN}"
            base = _base_event(pause, version, part, uid, stamp)
            if isinstance(window, OneOffWindow):
                events.extend(_one_off(base, window, part, pause.timezone))
            else:
                events.extend(_recurring(base, window, part))
    return events


def _base_event(
    pause: Pause, version: PauseVersion, part: Part, uid: str, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", version.version - 1)
    event.add("status", _STATUS[version.status])
    name = part.name or pause.spec.name
    event.add("summary", f"{pause.spec.name.en} - {name.en}" if part.name else name.en)
    description = [pause.spec.summary.en if pause.spec.summary else pause.spec.name.en]
    if pause.spec.summary and pause.spec.summary.ar:
        description.append(pause.spec.summary.ar)
    if part.zone_spec.approximation:
        description.append(f"Zone: {part.zone_spec.approximation}")
    description.append("Sources: " + "; ".join(s.title for s in pause.spec.sources))
    event.add("description", "\n\n".join(description))
    event.add("location", name.en if not name.ar else f"{name.en} / {name.ar}")
    centre = part.zone.representative_point()
    event.add("geo", (round(centre.y, 6), round(centre.x, 6)))
    event.add("categories", [pause.kind.value])
    event.add("x-respite-pause-id", pause.id)
    event.add("x-respite-part-id", part.id)
    event.add("x-respite-version", str(version.version))
    return event


def _removed(part: Part) -> IntervalSet:
    return IntervalSet.from_pairs(part.removed)


def _one_off(base: Event, window: OneOffWindow, part: Part, tz_name: str) -> list[Event]:
    tz = ZoneInfo(tz_name)
    start = int(window.start.timestamp())
    if window.end is None:
        cut = min((s for s, e in part.removed if e >= FOREVER and s > start), default=None)
        if cut is None:
            event = base.copy()
            event.add("dtstart", window.start.astimezone(tz))
            event.add("x-respite-until-further-notice", "TRUE")
            return [event]
        end = cut
    else:
        end = int(window.end.timestamp())
    pieces = IntervalSet.from_pairs([(start, end)]) - _removed(part)
    events = []
    for k, (s, e) in enumerate(pieces):
        event = base.copy() if k == 0 else _renamed(base, k)
        event.add("dtstart", from_utc_seconds(s).astimezone(tz))
        event.add("dtend", from_utc_seconds(e).astimezone(tz))
        events.append(event)
    return events


def _recurring(base: Event, window: RecurringWindow, part: Part) -> list[Event]:
    tz = ZoneInfo(window.timezone)
    rule = window.rule
    removed = _removed(part)
    tail = min((s for s, e in part.removed if e >= FOREVER), default=None)
    first = window.first_start()
    last = window.last_end()
    if tail is not None and (last is None or tail < last):
        # A cut-off tail becomes UNTIL just before the cut; a straddling occurrence is
        # handled below with the other partial ones.
        rule = replace(rule, count=None, until=from_utc_seconds(tail - 1))
        window = replace(window, rule=rule)
        last = window.last_end()
    horizon_end = last if last is not None else first + 10 * 366 * 86_400
    exdates: list[datetime] = []
    extra: list[Event] = []
    affected = removed.clip(first, horizon_end)
    if not affected.is_empty:
        for occurrence in window.occurrences(first, horizon_end):
            span = IntervalSet.from_pairs([(occurrence.start, occurrence.end)])
            left = span - removed
            if left == span:
                continue
            exdates.append(from_utc_seconds(occurrence.start).astimezone(tz))
            for s, e in left:
                piece = _renamed(base, len(extra) + 1)
                piece.add("dtstart", from_utc_seconds(s).astimezone(tz))
                piece.add("dtend", from_utc_seconds(e).astimezone(tz))
                extra.append(piece)
    event = base.copy()
    event.add("dtstart", datetime.combine(window.first_date, window.start_time, tzinfo=tz))
    event.add("duration", window.duration)
    event.add("rrule", vRecur.from_ical(rule.to_rrule()))
    if exdates:
        event.add("exdate", exdates)
    return [event, *extra]


def _renamed(base: Event, k: int) -> Event:
    event = base.copy()
    uid = str(base["uid"])
    local, _, domain = uid.partition("@")
    event["uid"] = f"{local}.piece{k}@{domain}"
    return event


def expanded_occurrences(
    pauses: Sequence[Pause], lo: datetime, hi: datetime
) -> dict[tuple[str, str], IntervalSet]:
    """What the export means, computed by the engine's own rules (used to cross-check)."""
    a, b = int(lo.timestamp()), int(hi.timestamp())
    return {
        (pause.id, part.id): part.coverage(a, b) for pause in pauses for part in pause.latest.parts
    }


__all__ = ["expanded_occurrences", "pause_events", "pauses_to_ical"]
