"""Recurring-window validation, one-off windows and expand()."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from respite.errors import ScheduleError
from respite.schedule import (
    IntervalSet,
    Occurrence,
    OneOffWindow,
    RecurrenceRule,
    RecurringWindow,
    expand,
    utc_seconds,
)

GAZA = ZoneInfo("Asia/Gaza")
EVER = (0, 2**40)


def u(text: str) -> int:
    """UTC seconds for an ISO timestamp written in UTC, e.g. ``2024-04-20T07:00``."""
    return utc_seconds(datetime.fromisoformat(text).replace(tzinfo=UTC))


def gaza(
    first: date,
    start: time,
    hours: float,
    rule: str = "FREQ=DAILY",
    exdates: frozenset[date] = frozenset(),
) -> RecurringWindow:
    return RecurringWindow(
        "Asia/Gaza", first, start, timedelta(hours=hours), RecurrenceRule.parse(rule), exdates
    )


DAILY_10_14 = gaza(date(2024, 1, 1), time(10), 4)


# -- validation ------------------------------------------------------------------------------


def window_problems(**changes: object) -> list[str]:
    fields: dict[str, object] = {
        "timezone": "Asia/Gaza",
        "first_date": date(2024, 5, 1),
        "start_time": time(10),
        "duration": timedelta(hours=4),
        "rule": RecurrenceRule("DAILY"),
    }
    fields.update(changes)
    with pytest.raises(ScheduleError) as info:
        RecurringWindow(**fields)  # type: ignore[arg-type]
    return [p.location for p in info.value.problems]


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"timezone": "Asia/Gazza"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"first_date": datetime(2024, 5, 1, 10)}, "first_date"),
        ({"start_time": time(10, tzinfo=UTC)}, "start_time"),
        ({"start_time": time(10, 0, 0, 5)}, "start_time"),
        ({"duration": timedelta(0)}, "duration"),
        ({"duration": timedelta(hours=-1)}, "duration"),
        ({"duration": timedelta(days=7, seconds=1)}, "duration"),
        ({"duration": timedelta(hours=1, microseconds=1)}, "duration"),
        ({"rule": "FREQ=DAILY"}, "rule"),
        ({"exdates": frozenset({datetime(2024, 5, 2)})}, "exdates"),
        ({"exdates": 5}, "exdates"),
        ({"rule": RecurrenceRule("WEEKLY", byday=("MO",))}, "first_date"),
        ({"rule": RecurrenceRule("DAILY", count=3), "exdates": {date(2024, 5, 4)}}, "exdates"),
        ({"rule": RecurrenceRule("DAILY", interval=2), "exdates": {date(2024, 5, 2)}}, "exdates"),
        ({"exdates": {date(2024, 4, 30)}}, "exdates"),
        ({"rule": RecurrenceRule("DAILY", count=1), "exdates": {date(2024, 5, 1)}}, "exdates"),
        (
            {"rule": RecurrenceRule("DAILY", until=datetime(2024, 5, 1, 6, 59, 59, tzinfo=UTC))},
            "rule.until",
        ),
        ({"rule": RecurrenceRule("DAILY", count=3_000_000)}, "rule.count"),
    ],
)
def test_invalid_recurring_window_names_the_field(
    changes: dict[str, object], location: str
) -> None:
    assert window_problems(**changes) == [location]


def test_every_field_problem_is_reported_at_once() -> None:
    found = window_problems(
        timezone="Nowhere/Town", duration=timedelta(0), start_time="10:00", exdates=5
    )
    assert found == ["exdates", "timezone", "start_time", "duration"]


def test_byday_mismatch_message_explains_the_fix() -> None:
    with pytest.raises(ScheduleError, match=r"2024-05-01 is a Wednesday, which BYDAY=MO,FR"):
        gaza(date(2024, 5, 1), time(10), 1, "FREQ=WEEKLY;BYDAY=MO,FR")


def test_exdates_accept_any_collection_and_windows_compare_by_value() -> None:
    a = gaza(date(2024, 5, 1), time(10), 4, exdates={date(2024, 5, 2)})  # type: ignore[arg-type]
    b = gaza(date(2024, 5, 1), time(10), 4, exdates=frozenset({date(2024, 5, 2)}))
    assert a == b
    assert hash(a) == hash(b)
    assert isinstance(a.exdates, frozenset)


def test_range_must_not_be_reversed() -> None:
    with pytest.raises(ScheduleError):
        DAILY_10_14.occurrences(10, 5)
    with pytest.raises(ScheduleError):
        DAILY_10_14.intervals(10, 5)


# -- one-off windows and expand ----------------------------------------------------------------


def test_one_off_window() -> None:
    w = OneOffWindow(datetime(2024, 4, 20, 1, tzinfo=GAZA), datetime(2024, 4, 20, 4, tzinfo=GAZA))
    # 01:00 +02 to 04:00 +03 is two hours of elapsed time.
    assert w.first_start() == u("2024-04-19T23:00")
    assert w.last_end() == u("2024-04-20T01:00")
    assert list(w.intervals(*EVER)) == [(u("2024-04-19T23:00"), u("2024-04-20T01:00"))]
    assert list(w.intervals(u("2024-04-20T00:00"), u("2024-04-21T00:00"))) == [
        (u("2024-04-20T00:00"), u("2024-04-20T01:00"))
    ]
    assert w.intervals(0, u("2024-04-19T23:00")).is_empty
    assert not w.is_open_ended


def test_open_ended_one_off_window_runs_to_the_end_of_the_range() -> None:
    start = datetime(2024, 5, 1, tzinfo=UTC)
    w = OneOffWindow(start, None)
    assert w.is_open_ended
    assert w.last_end() is None
    assert list(w.intervals(0, u("2030-01-01T00:00"))) == [
        (utc_seconds(start), u("2030-01-01T00:00"))
    ]


@pytest.mark.parametrize(
    ("start", "end", "locations"),
    [
        (datetime(2024, 5, 1), None, ["start"]),
        (datetime(2024, 5, 1), datetime(2024, 5, 2), ["start", "end"]),
        (datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), ["end"]),
        (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC), ["end"]),
        (
            datetime(2024, 5, 1, 0, 0, 0, 1, tzinfo=UTC),
            datetime(2024, 5, 1, 0, 0, 0, 900, tzinfo=UTC),
            ["end"],
        ),
    ],
)
def test_invalid_one_off_window(
    start: datetime, end: datetime | None, locations: list[str]
) -> None:
    with pytest.raises(ScheduleError) as info:
        OneOffWindow(start, end)
    assert [p.location for p in info.value.problems] == locations


def test_expand_is_the_union_of_all_windows() -> None:
    lo, hi = u("2024-04-19T00:00"), u("2024-04-21T00:00")
    one_off = OneOffWindow(
        datetime(2024, 4, 19, 11, tzinfo=UTC), datetime(2024, 4, 19, 13, tzinfo=UTC)
    )
    got = expand([DAILY_10_14, one_off], lo, hi)
    assert list(got) == [
        (u("2024-04-19T08:00"), u("2024-04-19T13:00")),
        (u("2024-04-20T07:00"), u("2024-04-20T11:00")),
    ]
    assert got == DAILY_10_14.intervals(lo, hi) | one_off.intervals(lo, hi)
    assert expand([], lo, hi) == IntervalSet.empty()
    with pytest.raises(ScheduleError):
        expand([one_off], hi, lo)


def test_occurrence_datetimes() -> None:
    o = Occurrence(u("2024-04-20T07:00"), u("2024-04-20T11:00"), date(2024, 4, 20), "Asia/Gaza")
    assert o.start_utc == datetime(2024, 4, 20, 7, tzinfo=UTC)
    assert o.end_utc == datetime(2024, 4, 20, 11, tzinfo=UTC)
    assert o.start_local.isoformat() == "2024-04-20T10:00:00+03:00"
    assert o.end_local.isoformat() == "2024-04-20T14:00:00+03:00"
