"""One-off and recurring windows, with the real Asia/Gaza 2024 DST transitions.

Asia/Gaza 2024: clocks jumped forward at 2024-04-20 00:00 UTC (02:00 +02 -> 03:00 +03) and back
at 2024-10-25 23:00 UTC (02:00 +03 -> 01:00 +02, so 01:00-02:00 on 2024-10-26 happened twice).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from respite.schedule import (
    Occurrence,
    RecurrenceRule,
    RecurringWindow,
    utc_seconds,
)

GAZA = ZoneInfo("Asia/Gaza")
HOUR = 3600
DAY = 86400
EVER = (0, 2**40)  # 1970 to year 36812: "all time" for these tests


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


def spans(occurrences: list[Occurrence]) -> list[tuple[int, int]]:
    return [(o.start, o.end) for o in occurrences]


DAILY_10_14 = gaza(date(2024, 1, 1), time(10), 4)


# -- the daily 10:00-14:00 window on both sides of both transitions ---------------------------


def test_daily_window_across_spring_forward() -> None:
    got = DAILY_10_14.occurrences(u("2024-04-18T00:00"), u("2024-04-22T00:00"))
    assert spans(got) == [
        (u("2024-04-18T08:00"), u("2024-04-18T12:00")),  # winter, +02
        (u("2024-04-19T08:00"), u("2024-04-19T12:00")),
        (u("2024-04-20T07:00"), u("2024-04-20T11:00")),  # summer, +03
        (u("2024-04-21T07:00"), u("2024-04-21T11:00")),
    ]
    assert [o.local_date for o in got] == [date(2024, 4, d) for d in (18, 19, 20, 21)]
    for o in got:
        assert o.start_local.time() == time(10)
        assert o.end_local.time() == time(14)
    assert [o.start_local.utcoffset() for o in got] == [timedelta(hours=h) for h in (2, 2, 3, 3)]


def test_daily_window_across_fall_back() -> None:
    got = DAILY_10_14.occurrences(u("2024-10-24T00:00"), u("2024-10-28T00:00"))
    assert spans(got) == [
        (u("2024-10-24T07:00"), u("2024-10-24T11:00")),  # summer, +03
        (u("2024-10-25T07:00"), u("2024-10-25T11:00")),
        (u("2024-10-26T08:00"), u("2024-10-26T12:00")),  # winter, +02
        (u("2024-10-27T08:00"), u("2024-10-27T12:00")),
    ]
    for o in got:
        assert (o.start_local.hour, o.end_local.hour) == (10, 14)


def test_intervals_are_the_occurrences_clipped() -> None:
    lo, hi = u("2024-04-19T10:00"), u("2024-04-20T09:00")
    assert list(DAILY_10_14.intervals(lo, hi)) == [
        (lo, u("2024-04-19T12:00")),
        (u("2024-04-20T07:00"), hi),
    ]
    # occurrences() reports whole occurrences, not clipped ones.
    assert spans(DAILY_10_14.occurrences(lo, hi))[0] == (u("2024-04-19T08:00"), lo + 2 * HOUR)


def test_occurrence_touching_the_range_edge_is_not_included() -> None:
    start, end = u("2024-04-19T08:00"), u("2024-04-19T12:00")
    assert DAILY_10_14.occurrences(end, end + HOUR) == []
    assert DAILY_10_14.occurrences(end - 1, end + HOUR)[0].end == end
    assert DAILY_10_14.occurrences(start - HOUR, start) == []
    assert DAILY_10_14.occurrences(start - HOUR, start + 1)[0].start == start
    assert DAILY_10_14.occurrences(start + HOUR, start + HOUR) == []


def test_occurrence_from_the_previous_local_date_is_found() -> None:
    # 22:00 in New York is 03:00 UTC the next day: a query early on 2024-01-10 UTC must find
    # the occurrence of local date 2024-01-09 that is still running.
    w = RecurringWindow(
        "America/New_York", date(2024, 1, 1), time(22), timedelta(hours=4), RecurrenceRule("DAILY")
    )
    (o,) = w.occurrences(u("2024-01-10T05:00"), u("2024-01-10T06:00"))
    assert o.local_date == date(2024, 1, 9)
    assert (o.start, o.end) == (u("2024-01-10T03:00"), u("2024-01-10T07:00"))
    # And east of UTC, an early local start belongs to the next local date.
    early = gaza(date(2024, 1, 1), time(1), 2)
    (o,) = early.occurrences(u("2024-01-09T23:30"), u("2024-01-09T23:45"))
    assert o.local_date == date(2024, 1, 10)


# -- RFC 5545 3.3.5: missing and repeated local times ------------------------------------------


def test_start_in_the_spring_gap_uses_the_offset_before_the_gap() -> None:
    # 02:30 does not exist on 2024-04-20; read with +02 it is 00:30 UTC, i.e. 03:30 +03.
    w = gaza(date(2024, 4, 19), time(2, 30), 1, "FREQ=DAILY;COUNT=3")
    got = w.occurrences(*EVER)
    assert spans(got) == [
        (u("2024-04-19T00:30"), u("2024-04-19T01:30")),
        (u("2024-04-20T00:30"), u("2024-04-20T01:30")),
        (u("2024-04-20T23:30"), u("2024-04-21T00:30")),
    ]
    gap_day = got[1]
    assert gap_day.local_date == date(2024, 4, 20)
    assert gap_day.start_local == datetime(2024, 4, 20, 3, 30, tzinfo=GAZA)
    assert gap_day.start_local.utcoffset() == timedelta(hours=3)
    assert gap_day.end_local.time() == time(4, 30)
    # Both neighbours start at the configured wall clock.
    assert got[0].start_local.time() == got[2].start_local.time() == time(2, 30)


def test_start_in_the_repeated_hour_means_the_first_instant() -> None:
    # 01:30 happened twice on 2024-10-26: first at +03 (22:30 UTC), then at +02 (23:30 UTC).
    w = gaza(date(2024, 10, 25), time(1, 30), 1, "FREQ=DAILY;COUNT=3")
    got = w.occurrences(*EVER)
    assert [o.start for o in got] == [
        u("2024-10-24T22:30"),
        u("2024-10-25T22:30"),
        u("2024-10-26T23:30"),
    ]
    repeated = got[1]
    assert repeated.start_local.isoformat() == "2024-10-26T01:30:00+03:00"
    assert repeated.start_local.fold == 0
    # An hour of elapsed time later it is 01:30 again, this time at +02.
    assert repeated.end_local.isoformat() == "2024-10-26T01:30:00+02:00"
    assert repeated.end - repeated.start == HOUR


def test_duration_is_elapsed_time_across_spring_forward() -> None:
    w = gaza(date(2024, 4, 20), time(1), 2, "FREQ=DAILY;COUNT=1")
    (o,) = w.occurrences(*EVER)
    assert (o.start, o.end) == (u("2024-04-19T23:00"), u("2024-04-20T01:00"))
    assert o.start_local.time() == time(1)
    assert o.end_local.time() == time(4)  # 2 h elapsed, but the wall clock moved 3 h


def test_duration_is_elapsed_time_across_fall_back() -> None:
    w = gaza(date(2024, 10, 26), time(0, 30), 2, "FREQ=DAILY;COUNT=1")
    (o,) = w.occurrences(*EVER)
    assert (o.start, o.end) == (u("2024-10-25T21:30"), u("2024-10-25T23:30"))
    assert o.end_local.isoformat() == "2024-10-26T01:30:00+02:00"


# -- COUNT, UNTIL, EXDATE, BYDAY -------------------------------------------------------------


def test_count_counts_excluded_dates() -> None:
    w = gaza(date(2024, 5, 1), time(10), 4, "FREQ=DAILY;COUNT=5", frozenset({date(2024, 5, 3)}))
    got = w.occurrences(*EVER)
    assert [o.local_date.day for o in got] == [1, 2, 4, 5]
    assert w.first_start() == u("2024-05-01T07:00")
    assert w.last_end() == u("2024-05-05T11:00")
    assert not w.is_open_ended


def test_first_start_and_last_end_skip_excluded_dates() -> None:
    w = gaza(
        date(2024, 5, 1),
        time(10),
        4,
        "FREQ=DAILY;COUNT=4",
        frozenset({date(2024, 5, 1), date(2024, 5, 4)}),
    )
    assert w.first_start() == u("2024-05-02T07:00")
    assert w.last_end() == u("2024-05-03T11:00")


def test_until_is_inclusive_of_an_occurrence_starting_exactly_then() -> None:
    at = gaza(date(2024, 5, 1), time(10), 4, "FREQ=DAILY;UNTIL=20240503T070000Z")
    before = gaza(date(2024, 5, 1), time(10), 4, "FREQ=DAILY;UNTIL=20240503T065959Z")
    assert [o.local_date.day for o in at.occurrences(*EVER)] == [1, 2, 3]
    assert [o.local_date.day for o in before.occurrences(*EVER)] == [1, 2]
    assert at.last_end() == u("2024-05-03T11:00")


def test_until_date_form_keeps_that_day() -> None:
    w = gaza(date(2024, 10, 20), time(10), 4, "FREQ=DAILY;UNTIL=20241031")
    got = w.occurrences(*EVER)
    assert got[-1].local_date == date(2024, 10, 31)
    assert len(got) == 12


def test_until_across_the_fall_back_transition() -> None:
    # 10:00 local is 07:00 UTC on the 25th but 08:00 UTC on the 26th.
    w = gaza(date(2024, 10, 24), time(10), 4, "FREQ=DAILY;UNTIL=20241026T073000Z")
    assert [o.local_date.day for o in w.occurrences(*EVER)] == [24, 25]


def test_weekly_interval_two_with_byday_starting_mid_week() -> None:
    # 2024-05-01 is a Wednesday: that week's Monday is before the start and is skipped.
    w = gaza(date(2024, 5, 1), time(10), 4, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5")
    days = [o.local_date for o in w.occurrences(*EVER)]
    assert days == [
        date(2024, 5, 1),
        date(2024, 5, 13),
        date(2024, 5, 15),
        date(2024, 5, 27),
        date(2024, 5, 29),
    ]


def test_weekly_without_byday_uses_the_first_dates_weekday() -> None:
    w = gaza(date(2024, 5, 2), time(10), 4, "FREQ=WEEKLY;COUNT=3")
    assert [o.local_date.day for o in w.occurrences(*EVER)] == [2, 9, 16]


def test_daily_byday_limits_the_days() -> None:
    # Every second day, but only if it is a Monday: that is every 14 days.
    w = gaza(date(2024, 5, 6), time(10), 4, "FREQ=DAILY;INTERVAL=2;BYDAY=MO;COUNT=3")
    assert [o.local_date for o in w.occurrences(*EVER)] == [
        date(2024, 5, 6),
        date(2024, 5, 20),
        date(2024, 6, 3),
    ]
    weekdays = gaza(date(2024, 5, 3), time(10), 4, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=3")
    assert [o.local_date.day for o in weekdays.occurrences(*EVER)] == [3, 6, 7]


# -- long horizons ---------------------------------------------------------------------------


def test_open_ended_rule_far_in_the_future() -> None:
    lo = u("2124-06-01T00:00")
    (o,) = DAILY_10_14.occurrences(lo, lo + DAY)
    assert o.local_date == date(2124, 6, 1)
    assert o.start == utc_seconds(datetime(2124, 6, 1, 10, tzinfo=GAZA))
    assert DAILY_10_14.is_open_ended
    assert DAILY_10_14.last_end() is None


def test_count_is_honoured_far_from_the_start() -> None:
    w = gaza(date(2024, 1, 1), time(10), 4, "FREQ=DAILY;COUNT=1000")
    last_day = date(2024, 1, 1) + timedelta(days=999)
    got = w.occurrences(u(f"{last_day}T00:00") - 5 * DAY, u(f"{last_day}T00:00") + 5 * DAY)
    assert got[-1].local_date == last_day
    assert len(got) == 6  # the last day and the five before it; none after
    assert w.last_end() == got[-1].end


def test_ten_years_of_a_daily_rule() -> None:
    lo, hi = u("2025-01-01T00:00"), u("2035-01-01T00:00")
    got = DAILY_10_14.intervals(lo, hi)
    assert len(got) == (date(2035, 1, 1) - date(2025, 1, 1)).days
    assert got.total_seconds() == len(got) * 4 * HOUR
