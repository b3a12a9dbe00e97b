"""status(): real places and moments of the gaza-2023-2024 scenario, and synthetic DST pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from respite.engine import CoverageEngine
from respite.errors import OutsideHorizon
from respite.geometry import AreaCatalogue
from respite.pauses import load_pause_file

GAZA_WINTER = timezone(timedelta(hours=2))
GAZA_SUMMER = timezone(timedelta(hours=3))

DEIR_AL_BALAH = (34.350983, 31.417118)  # shipped POI, Deir al-Balah town
KHAN_YOUNIS = (34.309683, 31.344259)
GAZA_CITY = (34.449493, 31.511862)
AT_SEA = (34.20, 31.50)
EPISODES = Path(__file__).parents[1] / "data" / "episodes"


def test_polio_central_inside_window(engine: CoverageEngine) -> None:
    status = engine.status(*DEIR_AL_BALAH, datetime(2024, 9, 2, 10, 0, tzinfo=GAZA_SUMMER))
    assert status.covered
    assert [(m.pause_id, m.part_id) for m in status.matches] == [
        ("polio-round-1-2024-09", "central")
    ]
    match = status.matches[0]
    assert match.window_start == datetime(2024, 9, 2, 3, 0, tzinfo=UTC)
    assert match.window_end == datetime(2024, 9, 2, 12, 0, tzinfo=UTC)  # 15:00 +03
    assert {o.id for o in match.objectives} == {"central-children", "all-children"}
    assert status.next_window is None


def test_polio_central_after_window_gives_next_day(engine: CoverageEngine) -> None:
    status = engine.status(*DEIR_AL_BALAH, datetime(2024, 9, 2, 16, 0, tzinfo=GAZA_SUMMER))
    assert not status.covered
    assert status.next_window is not None
    assert status.next_window.pause_id == "polio-round-1-2024-09"
    assert status.next_window.start == datetime(2024, 9, 3, 3, 0, tzinfo=UTC)
    assert status.next_window.end == datetime(2024, 9, 3, 12, 0, tzinfo=UTC)


def test_polio_central_zone_not_paused_on_the_south_days(engine: CoverageEngine) -> None:
    status = engine.status(*DEIR_AL_BALAH, datetime(2024, 9, 6, 10, 0, tzinfo=GAZA_SUMMER))
    assert not status.covered
    assert status.next_window is None


def test_polio_south_and_north_on_their_own_days(engine: CoverageEngine) -> None:
    south = engine.status(*KHAN_YOUNIS, datetime(2024, 9, 6, 14, 59, tzinfo=GAZA_SUMMER))
    assert [m.part_id for m in south.matches] == ["south"]
    north = engine.status(*GAZA_CITY, datetime(2024, 9, 12, 6, 0, tzinfo=GAZA_SUMMER))
    assert [m.part_id for m in north.matches] == ["north"]
    early = engine.status(*GAZA_CITY, datetime(2024, 9, 12, 5, 59, tzinfo=GAZA_SUMMER))
    assert not early.covered
    assert early.next_window is not None
    assert early.next_window.start == datetime(2024, 9, 12, 3, 0, tzinfo=UTC)


def test_window_end_is_exclusive(engine: CoverageEngine) -> None:
    at_end = engine.status(*KHAN_YOUNIS, datetime(2024, 9, 6, 15, 0, tzinfo=GAZA_SUMMER))
    assert not at_end.covered


def test_truce_as_extended_covers_the_whole_strip(engine: CoverageEngine) -> None:
    status = engine.status(*GAZA_CITY, datetime(2023, 11, 30, 12, 0, tzinfo=UTC))
    assert [m.pause_id for m in status.matches] == ["truce-2023-11-24"]
    # The version in force at noon on 30 Nov is the second extension (announced 06:45 that
    # day), not the later record of its end: an answer for T uses what held at T.
    assert status.matches[0].version == 3
    assert status.matches[0].version_announced_at == datetime(2023, 11, 30, 4, 45, tzinfo=UTC)
    assert status.matches[0].window_end == datetime(2023, 12, 1, 5, 0, tzinfo=UTC)
    before = engine.status(*GAZA_CITY, datetime(2023, 11, 26, 12, 0, tzinfo=UTC))
    assert before.matches[0].version == 1
    after = engine.status(*GAZA_CITY, datetime(2023, 12, 1, 7, 0, tzinfo=GAZA_WINTER))
    assert not after.covered


def test_truce_as_known_before_the_extensions(scenario: object) -> None:
    known = datetime(2023, 11, 25, tzinfo=UTC)
    engine = CoverageEngine(scenario, as_known_at=known)  # type: ignore[arg-type]
    during_first_term = engine.status(*GAZA_CITY, datetime(2023, 11, 27, 12, 0, tzinfo=UTC))
    assert during_first_term.matches[0].version == 1
    assert during_first_term.matches[0].window_end == datetime(2023, 11, 28, 5, 0, tzinfo=UTC)
    extension_days = engine.status(*GAZA_CITY, datetime(2023, 11, 29, 12, 0, tzinfo=UTC))
    assert not extension_days.covered


def test_corridor_on_the_road_but_not_beside_it(engine: CoverageEngine) -> None:
    road = AreaCatalogue.bundled().road("salah-al-din").geometry
    on_road = road.interpolate(0.5, normalized=True)
    at = datetime(2023, 11, 5, 11, 0, tzinfo=GAZA_WINTER)
    status = engine.status(on_road.x, on_road.y, at)
    assert [m.pause_id for m in status.matches] == ["salah-al-din-corridor-2023-11"]
    assert status.matches[0].window_end == datetime(2023, 11, 5, 12, 0, tzinfo=UTC)
    # 0.02 degrees of longitude is about 1.9 km at this latitude: outside a 1 km corridor.
    beside = engine.status(on_road.x + 0.02, on_road.y, at)
    assert not beside.covered


def test_corridor_next_window_across_days(engine: CoverageEngine) -> None:
    road = AreaCatalogue.bundled().road("salah-al-din").geometry
    point = road.interpolate(0.3, normalized=True)
    status = engine.status(point.x, point.y, datetime(2023, 11, 5, 15, 0, tzinfo=GAZA_WINTER))
    assert not status.covered
    assert status.next_window is not None
    assert status.next_window.start == datetime(2023, 11, 7, 11, 0, tzinfo=UTC)
    assert status.next_window.end == datetime(2023, 11, 7, 14, 0, tzinfo=UTC)


def test_open_ended_daily_pause_follows_local_time_across_dst(engine: CoverageEngine) -> None:
    kerem_shalom = (34.27056, 31.22083)
    summer = engine.status(*kerem_shalom, datetime(2024, 7, 1, 10, 0, tzinfo=GAZA_SUMMER))
    assert summer.matches[0].pause_id == "kerem-shalom-road-tactical-pause-2024-06"
    assert summer.matches[0].window_end == datetime(2024, 7, 1, 16, 0, tzinfo=UTC)
    winter = engine.status(*kerem_shalom, datetime(2024, 12, 1, 10, 0, tzinfo=GAZA_WINTER))
    assert winter.matches[0].window_end == datetime(2024, 12, 1, 17, 0, tzinfo=UTC)
    night = engine.status(*kerem_shalom, datetime(2024, 12, 1, 21, 0, tzinfo=GAZA_WINTER))
    assert not night.covered
    assert night.next_window is not None
    assert night.next_window.start == datetime(2024, 12, 2, 6, 0, tzinfo=UTC)


def test_gaza_city_coastal_road_in_the_11_nov_corridor_window() -> None:
    """The coastal road through Gaza City is the 9 Nov 2023 announcement's second corridor."""
    engine = CoverageEngine(load_pause_file(EPISODES / "gaza-coastal-road-2023-11-11.yaml"))
    coastal_road = (34.405, 31.495)
    during = engine.status(*coastal_road, datetime(2023, 11, 11, 10, 0, tzinfo=GAZA_WINTER))
    assert [(m.pause_id, m.part_id) for m in during.matches] == [
        ("coastal-road-corridor-2023-11-11", "al-rashid-road")
    ]
    assert during.covered_until == datetime(2023, 11, 11, 14, 0, tzinfo=UTC)  # 16:00 +02
    after = engine.status(*coastal_road, datetime(2023, 11, 11, 16, 0, tzinfo=GAZA_WINTER))
    assert not after.covered


def test_nothing_at_sea(engine: CoverageEngine) -> None:
    status = engine.status(*AT_SEA, datetime(2023, 11, 26, 12, 0, tzinfo=UTC))
    assert not status.covered
    assert status.next_window is None


def test_outside_horizon_is_an_error(engine: CoverageEngine) -> None:
    with pytest.raises(OutsideHorizon, match="outside the engine's horizon"):
        engine.status(*GAZA_CITY, datetime(1990, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def dst_engine() -> CoverageEngine:
    pauses = load_pause_file(Path(__file__).parents[1] / "data" / "dst-daily.yaml")
    return CoverageEngine(pauses)


@pytest.mark.parametrize(
    ("day", "utc_start"),
    [
        (18, datetime(2024, 4, 18, 8, 0, tzinfo=UTC)),  # +02, before the change
        (19, datetime(2024, 4, 19, 8, 0, tzinfo=UTC)),
        (20, datetime(2024, 4, 20, 7, 0, tzinfo=UTC)),  # clocks went forward at 00:00 UTC
        (22, datetime(2024, 4, 22, 7, 0, tzinfo=UTC)),
    ],
)
def test_daily_local_window_across_spring_change(
    dst_engine: CoverageEngine, day: int, utc_start: datetime
) -> None:
    inside = dst_engine.status(*DEIR_AL_BALAH, utc_start + timedelta(minutes=1))
    assert inside.covered
    assert inside.matches[0].window_start == utc_start
    assert inside.matches[0].window_end == utc_start + timedelta(hours=4)
    before = dst_engine.status(*DEIR_AL_BALAH, utc_start - timedelta(minutes=1))
    assert not before.covered


def test_repeated_hour_on_autumn_night_uses_first_occurrence(dst_engine: CoverageEngine) -> None:
    # 01:30 on 26 Oct 2024 happens twice in Gaza (+03 then +02); RFC 5545 takes the first.
    first = datetime(2024, 10, 25, 22, 30, tzinfo=UTC)
    status = dst_engine.status(*DEIR_AL_BALAH, first + timedelta(minutes=5))
    assert status.covered
    assert status.matches[0].window_start == first
    assert status.matches[0].window_end == first + timedelta(hours=1)
    second_time_round = dst_engine.status(*DEIR_AL_BALAH, first + timedelta(hours=1, minutes=5))
    assert not second_time_round.covered


def test_exdate_and_until_respected(dst_engine: CoverageEngine) -> None:
    # 27 Oct is excluded; UNTIL 2024-10-28T00:00Z still admits 28 Oct 01:30 +02 (27 Oct
    # 23:30Z: an instance is in when it starts at or before UNTIL) and nothing after.
    skipped = dst_engine.status(*DEIR_AL_BALAH, datetime(2024, 10, 26, 23, 45, tzinfo=UTC))
    assert not skipped.covered
    assert skipped.next_window is not None
    assert skipped.next_window.start == datetime(2024, 10, 27, 23, 30, tzinfo=UTC)
    last = dst_engine.status(*DEIR_AL_BALAH, datetime(2024, 10, 27, 23, 45, tzinfo=UTC))
    assert last.covered
    after = dst_engine.status(*DEIR_AL_BALAH, datetime(2024, 10, 28, 23, 45, tzinfo=UTC))
    assert not after.covered
    assert after.next_window is None
