"""RecurrenceRule: parsing, validation messages and round-tripping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respite.errors import ScheduleError
from respite.schedule import RecurrenceRule
from respite.schedule.recurrence import WEEKDAY_CODES


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(ScheduleError) as info:
        RecurrenceRule.parse(text)
    return [(p.location, p.message) for p in info.value.problems]


def test_parse_full_example() -> None:
    rule = RecurrenceRule.parse("FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE;COUNT=4")
    assert rule == RecurrenceRule("DAILY", interval=2, byday=("MO", "WE"), count=4)
    assert rule.to_rrule() == "FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE;COUNT=4"
    assert not rule.is_open_ended


def test_parse_minimal_rule_is_open_ended() -> None:
    rule = RecurrenceRule.parse("FREQ=WEEKLY")
    assert rule == RecurrenceRule("WEEKLY")
    assert rule.interval == 1
    assert rule.byday == ()
    assert rule.is_open_ended
    assert rule.to_rrule() == "FREQ=WEEKLY"


def test_parse_is_case_insensitive_and_tolerates_prefix_spaces_and_trailing_semicolon() -> None:
    rule = RecurrenceRule.parse(" RRULE:freq=weekly; byday = fr,mo ;wkst=MO; ")
    assert rule == RecurrenceRule("WEEKLY", byday=("MO", "FR"))


def test_byday_is_deduplicated_and_ordered_monday_first() -> None:
    assert RecurrenceRule("WEEKLY", byday=("SU", "MO", "SU", "we")).byday == ("MO", "WE", "SU")
    assert RecurrenceRule("WEEKLY", byday=("SU", "MO")).weekdays == (0, 6)


def test_until_utc_form() -> None:
    rule = RecurrenceRule.parse("FREQ=DAILY;UNTIL=20241031T120000Z")
    assert rule.until == datetime(2024, 10, 31, 12, tzinfo=UTC)
    assert rule.to_rrule() == "FREQ=DAILY;UNTIL=20241031T120000Z"


def test_until_date_form_means_the_end_of_that_utc_day() -> None:
    rule = RecurrenceRule.parse("FREQ=DAILY;UNTIL=20241031")
    assert rule.until == datetime(2024, 10, 31, 23, 59, 59, tzinfo=UTC)


def test_until_is_normalised_to_utc_whole_seconds() -> None:
    local = datetime(2024, 10, 31, 12, 0, 0, 750_000, tzinfo=ZoneInfo("Asia/Gaza"))
    rule = RecurrenceRule("DAILY", until=local)
    assert rule.until == datetime(2024, 10, 31, 10, tzinfo=UTC)
    assert rule.until is not None
    assert rule.until.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("FREQ=MONTHLY", "freq", "FREQ=MONTHLY is not supported (DAILY or WEEKLY)"),
        ("FREQ=HOURLY", "freq", "FREQ=HOURLY is not supported (DAILY or WEEKLY)"),
        ("INTERVAL=2", "freq", "FREQ is required (DAILY or WEEKLY)"),
        ("FREQ=DAILY;INTERVAL=0", "interval", "INTERVAL=0 must be a whole number of at least 1"),
        ("FREQ=DAILY;INTERVAL=x", "interval", "INTERVAL=X must be a whole number of at least 1"),
        ("FREQ=DAILY;COUNT=0", "count", "COUNT=0 must be a whole number of at least 1"),
        ("FREQ=DAILY;COUNT=-3", "count", "COUNT=-3 must be a whole number of at least 1"),
        ("FREQ=DAILY;BYDAY=MO,XX", "byday", "BYDAY=XX is not a day code"),
        ("FREQ=DAILY;BYDAY=1MO", "byday", "ordinal days only apply to MONTHLY/YEARLY"),
        ("FREQ=DAILY;BYDAY=", "byday", "BYDAY= is not a day code"),
        ("FREQ=DAILY;UNTIL=20241031T120000", "until", "UNTIL=20241031T120000 is not valid"),
        ("FREQ=DAILY;UNTIL=2024-10-31", "until", "YYYYMMDDTHHMMSSZ or a date YYYYMMDD"),
        ("FREQ=DAILY;UNTIL=20240231", "until", "UNTIL=20240231 is not a real date"),
        ("FREQ=DAILY;BYMONTH=3", "bymonth", "BYMONTH is not supported"),
        ("FREQ=DAILY;FOO=1", "foo", "unknown RRULE part FOO"),
        ("FREQ=DAILY;WKST=SU", "wkst", "WKST=SU is not supported (weeks start on MO)"),
        ("FREQ=DAILY;FREQ=WEEKLY", "freq", "FREQ is given more than once"),
        ("FREQ=DAILY;COUNT", "", "'COUNT' is not a KEY=VALUE part"),
        ("", "freq", "FREQ is required"),
    ],
)
def test_parse_errors_name_the_bad_part(text: str, location: str, message: str) -> None:
    found = problems(text)
    assert any(loc == location and message in msg for loc, msg in found), found


def test_count_and_until_together_is_an_error() -> None:
    assert problems("FREQ=DAILY;COUNT=3;UNTIL=20240101T000000Z") == [
        ("until", "COUNT and UNTIL cannot both be given (RFC 5545); use one")
    ]
    with pytest.raises(ScheduleError, match="COUNT and UNTIL"):
        RecurrenceRule("DAILY", count=3, until=datetime(2024, 1, 1, tzinfo=UTC))


def test_every_problem_is_reported_at_once() -> None:
    found = problems("FREQ=YEARLY;INTERVAL=0;BYDAY=XX;COUNT=0;BYHOUR=3")
    assert {loc for loc, _ in found} == {"freq", "interval", "byday", "count", "byhour"}


@pytest.mark.parametrize(
    ("kwargs", "location"),
    [
        ({"freq": "MONTHLY"}, "freq"),
        ({"freq": "DAILY", "interval": 0}, "interval"),
        ({"freq": "DAILY", "interval": True}, "interval"),
        ({"freq": "DAILY", "count": 0}, "count"),
        ({"freq": "DAILY", "byday": "MO"}, "byday"),
        ({"freq": "DAILY", "byday": ("MON",)}, "byday"),
        ({"freq": "DAILY", "until": datetime(2024, 1, 1)}, "until"),
        ({"freq": "DAILY", "until": "20240101"}, "until"),
    ],
)
def test_constructor_validation_names_the_field(kwargs: dict[str, object], location: str) -> None:
    with pytest.raises(ScheduleError) as info:
        RecurrenceRule(**kwargs)  # type: ignore[arg-type]
    assert [p.location for p in info.value.problems] == [location]


def test_parse_rejects_non_text() -> None:
    with pytest.raises(ScheduleError):
        RecurrenceRule.parse(None)  # type: ignore[arg-type]


def test_rule_is_frozen_and_hashable() -> None:
    rule = RecurrenceRule("DAILY")
    with pytest.raises(AttributeError):
        rule.interval = 2  # type: ignore[misc]
    assert hash(rule) == hash(RecurrenceRule.parse("FREQ=DAILY"))
    assert str(rule) == "FREQ=DAILY"


until_strategy = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
rules = st.builds(
    RecurrenceRule,
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 400),
    byday=st.lists(st.sampled_from(WEEKDAY_CODES), max_size=7).map(tuple),
    count=st.none(),
    until=st.none(),
) | st.builds(
    lambda rule, bound: RecurrenceRule(
        rule.freq,
        rule.interval,
        rule.byday,
        count=bound if isinstance(bound, int) else None,
        until=bound if isinstance(bound, datetime) else None,
    ),
    st.builds(RecurrenceRule, freq=st.sampled_from(["DAILY", "WEEKLY"])),
    st.integers(1, 10**6) | until_strategy,
)


@given(rules)
def test_to_rrule_round_trips(rule: RecurrenceRule) -> None:
    text = rule.to_rrule()
    assert RecurrenceRule.parse(text) == rule
    assert RecurrenceRule.parse(text).to_rrule() == text


@given(
    st.sampled_from(["DAILY", "WEEKLY"]),
    st.integers(1, 50),
    st.lists(st.sampled_from(WEEKDAY_CODES), min_size=1, max_size=7, unique=True),
    st.integers(1, 999),
)
def test_parse_accepts_any_order_of_parts(
    freq: str, interval: int, days: list[str], count: int
) -> None:
    parts = [f"COUNT={count}", f"BYDAY={','.join(days)}", f"INTERVAL={interval}", f"FREQ={freq}"]
    rule = RecurrenceRule.parse(";".join(parts))
    assert rule.freq == freq
    assert rule.interval == interval
    assert set(rule.byday) == set(days)
    assert rule.count == count


def test_until_keeps_an_occurrence_at_the_same_second_after_flooring() -> None:
    exact = datetime(2024, 5, 1, 7, tzinfo=UTC)
    rule = RecurrenceRule("DAILY", until=exact + timedelta(microseconds=999_999))
    assert rule.until == exact
