"""iCalendar export read back by `icalendar` and expanded by `recurring_ical_events`."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import recurring_ical_events
from icalendar import Calendar

from respite.feeds import pauses_to_ical
from respite.feeds.ical import expanded_occurrences
from respite.pauses import parse_pauses
from respite.schedule import IntervalSet

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def independent_occurrences(ics: bytes, lo: datetime, hi: datetime) -> dict:
    calendar = Calendar.from_ical(ics)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        key = (str(event["X-RESPITE-PAUSE-ID"]), str(event["X-RESPITE-PART-ID"]))
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else start + event.decoded("DURATION")
        spans[key].append((int(start.timestamp()), int(end.timestamp())))
    return {
        key: IntervalSet.from_pairs(v).clip(int(lo.timestamp()), int(hi.timestamp()))
        for key, v in spans.items()
    }


def test_scenario_round_trips_through_an_independent_expander(scenario) -> None:
    ics = pauses_to_ical(scenario, stamp=STAMP)
    lo, hi = datetime(2023, 10, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)
    ours = {k: v for k, v in expanded_occurrences(scenario, lo, hi).items() if not v.is_empty}
    theirs = independent_occurrences(ics, lo, hi)
    assert theirs == ours


def test_events_carry_zone_sequence_and_status(scenario) -> None:
    calendar = Calendar.from_ical(pauses_to_ical(scenario, stamp=STAMP))
    truce = [e for e in calendar.walk("VEVENT") if e["X-RESPITE-PAUSE-ID"] == "truce-2023-11-24"]
    assert len(truce) == 1
    assert int(truce[0]["SEQUENCE"]) == 3
    assert str(truce[0]["STATUS"]) == "CONFIRMED"
    polio = [e for e in calendar.walk("VEVENT") if "polio" in str(e["X-RESPITE-PAUSE-ID"])]
    assert {e["DTSTART"].params["TZID"] for e in polio} == {"Asia/Gaza"}
    assert {str(e["RRULE"].to_ical(), "ascii") for e in polio} == {"FREQ=DAILY;COUNT=4"}
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Asia/Gaza"}


SUSPENDED = (Path(__file__).parents[1] / "data" / "suspended-and-open.yaml").read_text()


def test_amendments_become_exdates_pieces_and_until() -> None:
    pauses = parse_pauses(SUSPENDED)[:1]
    ics = pauses_to_ical(pauses, stamp=STAMP)
    lo, hi = datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
    ours = expanded_occurrences(pauses, lo, hi)
    assert independent_occurrences(ics, lo, hi) == ours
    # 1, 2 full; 3 until 12:00; 4 gone; 5 from 11:00; 6, 7 full; 8 until 12:00
    assert len(ours[("daily", "central")]) == 7
