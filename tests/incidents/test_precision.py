"""Precision rules: local dates and codes to UTC spans (DST-exact), geo codes to radii."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from respite.errors import InvalidInput
from respite.events.precision import (
    PrecisionPolicy,
    geo_precision_of,
    instant_span,
    local_day_span,
    local_midnight,
    time_precision_of,
    zone_of,
)
from respite.events.record import GeoPrecision, TimePrecision

GAZA = ZoneInfo("Asia/Gaza")
HOUR = 3600
POLICY = PrecisionPolicy()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def local_date(seconds: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(seconds, zone).date()


def _loadable_zones() -> list[str]:
    names = []
    for name in sorted(available_timezones()):
        try:
            ZoneInfo(name)
        except (ValueError, OSError):  # pragma: no cover - depends on the tz database
            continue
        names.append(name)
    return names


ZONES = _loadable_zones()


# -- days, including the days the clocks change ---------------------------------------------


def test_an_ordinary_gaza_day_is_24_hours_from_local_midnight() -> None:
    # Asia/Gaza is UTC+2 in winter: local midnight of 5 Jan 2024 is 22:00 UTC on the 4th.
    assert local_day_span(date(2024, 1, 5), "Asia/Gaza") == (
        utc(2024, 1, 4, 22),
        utc(2024, 1, 5, 22),
    )


def test_the_autumn_change_makes_2023_10_28_a_25_hour_day_in_gaza() -> None:
    lo, hi = local_day_span(date(2023, 10, 28), GAZA)
    assert (lo, hi) == (utc(2023, 10, 27, 21), utc(2023, 10, 28, 22))
    assert hi - lo == 25 * HOUR


def test_the_spring_change_of_2024_makes_20_april_a_23_hour_day_in_gaza() -> None:
    # Gaza moved its 2024 spring change to after Ramadan: 20 April, not the last Friday of March.
    lo, hi = local_day_span(date(2024, 4, 20), GAZA)
    assert (lo, hi) == (utc(2024, 4, 19, 22), utc(2024, 4, 20, 21))
    assert hi - lo == 23 * HOUR
    # ... so the last Friday of March 2024 was an ordinary 24-hour day there.
    lo, hi = POLICY.time_span(date(2024, 3, 29), 1, GAZA)
    assert hi - lo == 24 * HOUR


@settings(max_examples=300, deadline=None)
# Days whose midnight the clocks repeat or skip, and the days before them, are always tried.
@example(day=date(2020, 10, 24), zone_name="Asia/Gaza")  # 00:00-01:00 happens twice
@example(day=date(2020, 10, 23), zone_name="Asia/Gaza")
@example(day=date(2020, 3, 28), zone_name="Asia/Gaza")  # clocks jump from 00:00 to 01:00
@example(day=date(2020, 3, 27), zone_name="Asia/Gaza")
@example(day=date(2023, 11, 5), zone_name="America/Havana")  # repeated midnight
@example(day=date(2023, 10, 28), zone_name="Asia/Gaza")
@example(day=date(2024, 4, 20), zone_name="Asia/Gaza")
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    zone_name=st.sampled_from(ZONES),
)
def test_any_day_in_any_zone_spans_exactly_its_local_midnight_to_the_next(
    day: date, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    lo, hi = POLICY.time_span(day, 1, zone_name)
    assert lo < hi
    # Every instant of the span is on that local date, and the instants just outside are not.
    assert local_date(lo, zone) == day
    assert local_date(hi - 1, zone) == day
    assert local_date(lo - 1, zone) < day
    assert local_date(hi, zone) > day
    # Consecutive days tile time: no gap, no overlap.
    assert local_day_span(day + timedelta(days=1), zone)[0] == hi


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    zone_name=st.sampled_from(ZONES),
    before=st.integers(0, 10),
    after=st.integers(0, 10),
)
def test_a_week_and_a_month_are_unions_of_whole_local_days(
    day: date, zone_name: str, before: int, after: int
) -> None:
    policy = PrecisionPolicy(week_days_before=before, week_days_after=after)
    week = policy.time_span(day, "week", zone_name)
    assert week[0] == local_day_span(day - timedelta(days=before), zone_name)[0]
    assert week[1] == local_day_span(day + timedelta(days=after), zone_name)[1]
    month = policy.time_span(day, 3, zone_name)
    first = day.replace(day=1)
    assert month[0] == local_day_span(first, zone_name)[0]
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert month[1] == local_day_span(last, zone_name)[1]
    assert month[0] <= policy.time_span(day, 1, zone_name)[0] < month[1]


# -- the three ACLED time precision codes ---------------------------------------------------


def test_week_precision_is_the_seven_local_days_centred_on_the_date() -> None:
    lo, hi = POLICY.time_span(date(2024, 9, 5), 2, GAZA)
    assert lo == local_midnight(date(2024, 9, 2), GAZA)
    assert hi == local_midnight(date(2024, 9, 9), GAZA)
    assert hi - lo == 7 * 24 * HOUR


def test_a_week_across_the_autumn_change_is_one_hour_longer() -> None:
    lo, hi = POLICY.time_span(date(2023, 10, 27), "2", GAZA)
    assert hi - lo == 7 * 24 * HOUR + HOUR
    assert (lo, hi) == (utc(2023, 10, 23, 21), utc(2023, 10, 30, 22))


@pytest.mark.parametrize(
    ("day", "first", "after", "hours"),
    [
        (date(2023, 10, 15), date(2023, 10, 1), date(2023, 11, 1), 31 * 24 + 1),
        (date(2024, 2, 29), date(2024, 2, 1), date(2024, 3, 1), 29 * 24),
        (date(2024, 4, 30), date(2024, 4, 1), date(2024, 5, 1), 30 * 24 - 1),
        (date(2023, 12, 31), date(2023, 12, 1), date(2024, 1, 1), 31 * 24),
    ],
)
def test_month_precision_is_the_whole_local_calendar_month(
    day: date, first: date, after: date, hours: int
) -> None:
    lo, hi = POLICY.time_span(day, TimePrecision.MONTH, GAZA)
    assert (lo, hi) == (local_midnight(first, GAZA), local_midnight(after, GAZA))
    assert hi - lo == hours * HOUR


def test_a_custom_policy_widens_the_week() -> None:
    policy = PrecisionPolicy(week_days_before=6, week_days_after=0)
    lo, hi = policy.time_span(date(2024, 9, 8), 2, GAZA)
    assert (local_date(lo, GAZA), local_date(hi - 1, GAZA)) == (date(2024, 9, 2), date(2024, 9, 8))


@pytest.mark.parametrize("code", [0, 4, "x", "second", "span", "1.0", True])
def test_a_date_with_a_code_that_is_not_a_date_unit_is_refused(code: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        POLICY.time_span(date(2024, 9, 2), code, GAZA)  # type: ignore[arg-type]
    assert caught.value.problems[0].location == "time_precision"


# -- geo precision ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label", "radius"),
    [
        (1, GeoPrecision.TOWN, 2_000.0),
        ("2", GeoPrecision.NEAR_TOWN, 10_000.0),
        (3, GeoPrecision.REGION, 25_000.0),
        ("region", GeoPrecision.REGION, 25_000.0),
    ],
)
def test_geo_codes_give_the_documented_default_radii(
    code: int | str, label: GeoPrecision, radius: float
) -> None:
    assert POLICY.radius(code) == (label, radius)


def test_a_custom_policy_changes_the_radii() -> None:
    policy = PrecisionPolicy(town_radius_m=500, near_town_radius_m=3_000, region_radius_m=40_000)
    assert [policy.radius(c)[1] for c in (1, 2, 3)] == [500, 3_000, 40_000]


def test_exact_has_no_radius_of_its_own() -> None:
    with pytest.raises(InvalidInput, match="explicit radius_m"):
        POLICY.radius(GeoPrecision.EXACT)


@pytest.mark.parametrize("code", [0, 4, "", "village", None])
def test_unknown_geo_codes_are_refused(code: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        geo_precision_of(code)
    assert caught.value.problems[0].location == "geo_precision"


def test_precision_labels_and_codes_are_read_alike() -> None:
    assert [time_precision_of(v) for v in (1, "2", " 3 ", "Hour", "span")] == [
        TimePrecision.DAY,
        TimePrecision.WEEK,
        TimePrecision.MONTH,
        TimePrecision.HOUR,
        TimePrecision.SPAN,
    ]
    assert geo_precision_of("near_town") is GeoPrecision.NEAR_TOWN


def test_a_policy_with_impossible_values_names_each_one() -> None:
    with pytest.raises(InvalidInput) as caught:
        PrecisionPolicy(town_radius_m=-1, region_radius_m=float("nan"), week_days_after=-2)
    assert [p.location for p in caught.value.problems] == [
        "town_radius_m",
        "region_radius_m",
        "week_days_after",
    ]


# -- instants given to a clock unit -----------------------------------------------------------


def test_an_instant_to_the_hour_covers_that_local_hour() -> None:
    moment = datetime(2024, 9, 2, 14, 37, 12, tzinfo=GAZA)
    assert instant_span(moment, TimePrecision.HOUR) == (utc(2024, 9, 2, 11), utc(2024, 9, 2, 12))
    assert instant_span(moment, TimePrecision.MINUTE) == (
        utc(2024, 9, 2, 11, 37),
        utc(2024, 9, 2, 11, 38),
    )
    assert instant_span(moment, TimePrecision.SECOND) == (
        utc(2024, 9, 2, 11, 37, 12),
        utc(2024, 9, 2, 11, 37, 13),
    )


def test_a_repeated_hour_keeps_its_fold_and_lasts_one_elapsed_hour() -> None:
    # 01:30 happens twice in Gaza on 2023-10-28; fold=1 is the second time (UTC+2).
    second = datetime(2023, 10, 28, 1, 30, tzinfo=GAZA, fold=1)
    assert instant_span(second, TimePrecision.HOUR) == (utc(2023, 10, 27, 23), utc(2023, 10, 28, 0))
    first = second.replace(fold=0)
    assert instant_span(first, TimePrecision.HOUR) == (utc(2023, 10, 27, 22), utc(2023, 10, 27, 23))


def test_an_instant_needs_a_zone_and_a_clock_unit() -> None:
    with pytest.raises(InvalidInput, match="no time zone"):
        instant_span(datetime(2024, 9, 2, 10), TimePrecision.HOUR)
    with pytest.raises(InvalidInput, match="not a clock unit"):
        instant_span(datetime(2024, 9, 2, 10, tzinfo=GAZA), TimePrecision.DAY)


@pytest.mark.parametrize("name", ["Gaza", "+03:00", "", "Asia/Nowhere"])
def test_a_zone_must_be_an_iana_name(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        zone_of(name)
    assert caught.value.problems[0].location == "timezone"
