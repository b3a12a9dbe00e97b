"""iCalendar (RFC 5545) export: one VEVENT per window of each pause part.

Recurring windows keep their RRULE with DTSTART;TZID in the pause's zone, so a calendar shows
"06:00-15:00 Asia/Gaza" the way it was announced. What amendments removed is written the RFC
5545 way: whole occurrences as EXDATE, a cut-off tail as a new UNTIL, and a partly removed
occurrence as EXDATE plus a one-off VEVENT for what is left. SEQUENCE is the pause version
minus one, so calendar clients replace the older copy.

History: an amendment changes a part from its effective time only, so what a part was before
(its eras) is written as one-off VEVENTs, and its current windows from the amendment on. A
cancelled part's windows are STATUS:CANCELLED (calendar clients then drop them), a draft's
TENTATIVE; a confidential pause is CLASS:CONFIDENTIAL (only written when asked for). One pause
that cannot be written is left out (and logged) rather than breaking the whole calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from respite.errors import RespiteError
from respite.pauses.model import PartStatus
from respite.pauses.parts import BEGINNING, Era
from respite.pauses.resolve import FOREVER, Part, Pause, PauseVersion
from respite.schedule import IntervalSet, OneOffWindow, RecurringWindow, from_utc_seconds

PRODID = "-//Respite//Humanitarian pauses//EN"
UID_DOMAIN = "respite.pauses"
_STATUS = {PartStatus.DRAFT: "TENTATIVE", PartStatus.CANCELLED: "CANCELLED"}
_log = logging.getLogger(__name__)


def pauses_to_ical(pauses: Iterable[Pause], *, stamp: datetime | None = None) -> bytes:
    """A VCALENDAR with every part's windows; ``stamp`` fixes DTSTAMP for reproducible output."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Respite humanitarian pauses")
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    for pause in pauses:
        try:
            events = pause_events(pause, pause.latest, stamp=stamp)
        except (RespiteError, ValueError) as error:
            _log.warning("pause %s left out of the calendar: %s", pause.id, error)
            continue
        for event in events:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def pause_events(pause: Pause, version: PauseVersion, *, stamp: datetime) -> list[Event]:
    events: list[Event] = []
    for part in version.parts:
        rewritten = _history_rewritten(part)
        if rewritten:
            uid = f"{pause.id}.{part.id}.history@{UID_DOMAIN}"
            base = _base_event(pause, version, part, uid, stamp)
            events.extend(_history_events(base, part.earlier, pause))
        current = _as_written(part, cut_before_since=rewritten)
        for n, window in enumerate(part.windows):
            uid = f"{pause.id}.{part.id}.{n}@{UID_DOMAIN}"
            base = _base_event(pause, version, part, uid, stamp)
            if isinstance(window, OneOffWindow):
                events.extend(_one_off(base, window, current, pause.timezone))
            else:
                events.extend(_recurring(base, window, current))
    return events


def _history_rewritten(part: Part) -> bool:
    """Whether the part's current windows, read from the beginning, would say something else
    about the time before its last amendment than was said then (the lapse: an extension
    must not cover 1-2 Jul). Usually they agree (an extension only moves the end), and then
    the current windows alone are written, as one event."""
    if not part.earlier:
        return False
    lo = part.first_start()
    if part.since <= lo:
        return True
    as_if_always = replace(part, since=BEGINNING, earlier=(), status=PartStatus.ANNOUNCED)
    return part.coverage(lo, part.since) != as_if_always.current_coverage(lo, part.since)


def _as_written(part: Part, *, cut_before_since: bool) -> Part:
    """The current state, cut before ``since`` when history is written apart; a
    cancellation's own cut lifted so that the cancelled windows are written, CANCELLED."""
    removed = list(part.removed)
    if part.status is PartStatus.CANCELLED:
        removed = [(s, e) for s, e in removed if not (e >= FOREVER and s >= part.since)]
    if not cut_before_since:
        return replace(part, removed=tuple(removed), since=BEGINNING)
    if part.since > BEGINNING:
        removed.append((BEGINNING, part.since))
    return replace(part, removed=tuple(removed))


def _history_events(base: Event, eras: Sequence[Era], pause: Pause) -> list[Event]:
    """What the part's earlier states covered, merged (a truce extended twice is one event)."""
    tz = ZoneInfo(pause.timezone)
    covered = IntervalSet.empty()
    for era in eras:
        covered = covered | era.coverage(max(era.start, BEGINNING + 1), era.end)
    events = []
    for k, (s, e) in enumerate(covered):
        event = base.copy() if k == 0 else _renamed(base, k)
        event["status"] = "CONFIRMED"
        event.add("dtstart", from_utc_seconds(s).astimezone(tz))
        event.add("dtend", from_utc_seconds(e).astimezone(tz))
        events.append(event)
    return events


def _base_event(
    pause: Pause, version: PauseVersion, part: Part, uid: str, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", version.version - 1)
    event.add("status", _STATUS.get(part.status, "CONFIRMED"))
    if not version.is_public:
        event.add("class", "CONFIDENTIAL")
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


def _from_since(window: RecurringWindow, part: Part) -> RecurringWindow | None:
    """The window restarted at its first occurrence not over before ``since`` (None if none
    is left), so that the time before an amendment is not written as a list of EXDATEs."""
    if part.since <= BEGINNING or part.since <= window.first_start():
        return window
    done = [o for o in window.occurrences(window.first_start(), part.since) if o.end <= part.since]
    if not done:
        return window
    after = window.occurrences(part.since, part.since + 400 * 86_400)
    if not after:
        return None
    rule = window.rule
    if rule.count is not None:
        if rule.count <= len(done):
            return None
        rule = replace(rule, count=rule.count - len(done))
    first_date = after[0].local_date
    exdates = frozenset(d for d in window.exdates if d >= first_date)
    return replace(window, first_date=first_date, rule=rule, exdates=exdates)


def _recurring(base: Event, window: RecurringWindow, part: Part) -> list[Event]:
    tz = ZoneInfo(window.timezone)
    restarted = _from_since(window, part)
    if restarted is None:
        return []
    window = restarted
    rule = window.rule
    removed = _removed(part)
    tail = min((s for s, e in part.removed if e >= FOREVER), default=None)
    first = window.first_start()
    last = window.last_end()
    if tail is not None and tail <= first:
        # Cut before its first occurrence (a part cancelled or postponed before it began):
        # nothing of this window is left to write.
        return []
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
