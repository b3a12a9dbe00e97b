"""The real episodes, written as pause files (tests/data/episodes), answer as the facts say.

Each test cites the episode; the facts are those of the project's domain notes (see each
file's header for what is fact and what is an approximation).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import recurring_ical_events
from icalendar import Calendar

from respite.cli import main
from respite.engine import CoverageEngine
from respite.errors import PauseFileError
from respite.feeds import pauses_to_geojson, pauses_to_ical
from respite.feeds.ical import expanded_occurrences
from respite.pauses import Pause, PauseStatus, load_pause_file, parse_pauses
from respite.pauses.model import PartStatus, Visibility

DATA = Path(__file__).parents[1] / "data"
EPISODES = DATA / "episodes"
KYIV_WINTER = timezone(timedelta(hours=2))
GAZA_SUMMER = timezone(timedelta(hours=3))
GAZA_WINTER = timezone(timedelta(hours=2))


def episode_path(name: str) -> Path:
    return EPISODES / f"{name}.yaml"


def episode(name: str) -> Pause:
    (pause,) = load_pause_file(episode_path(name))
    return pause


def check_json(
    capsys: pytest.CaptureFixture[str], pauses: Path, lat: float, lon: float, at: str, *extra: str
) -> dict[str, Any]:
    argv = ["check", "--pauses", str(pauses), "--lat", str(lat), "--lon", str(lon), "--at", at]
    code = main([*argv, *extra, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    answer: dict[str, Any] = json.loads(captured.out)
    return answer


def check_text(
    capsys: pytest.CaptureFixture[str], pauses: Path, lat: float, lon: float, at: str
) -> str:
    argv = ["check", "--pauses", str(pauses), "--lat", str(lat), "--lon", str(lon), "--at", at]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


# -- the lapse (docs/time.md): an announcement changes the future, never the past -------------

KHAN_YOUNIS = (34.30, 31.35)


def test_the_lapse_stays_a_lapse(capsys: pytest.CaptureFixture[str]) -> None:
    lapse = DATA / "lapse.yaml"
    for day in ("2024-07-01", "2024-07-02"):
        answer = check_json(capsys, lapse, 31.35, 34.30, f"{day}T11:00+03:00")
        assert answer["covered"] is False, day
    before = check_json(capsys, lapse, 31.35, 34.30, "2024-06-30T11:00+03:00")
    assert before["covered"] is True
    assert before["pauses"][0]["version"] == 1
    after = check_json(capsys, lapse, 31.35, 34.30, "2024-07-03T11:00+03:00")
    assert after["covered"] is True
    assert after["pauses"][0]["version"] == 2
    assert after["pauses"][0]["version_announced_at"] == "2024-07-02T21:00:00Z"


def test_as_known_before_the_extension_nothing_follows_the_lapse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = check_json(
        capsys,
        DATA / "lapse.yaml",
        31.35,
        34.30,
        "2024-07-04T11:00+03:00",
        "--as-known-at",
        "2024-07-02T12:00+03:00",
    )
    assert answer["covered"] is False
    assert answer["known_at"] == "2024-07-02T09:00:00Z"
    assert answer["next_window"] is None


# -- polio round 2: the north phase postponed on 23 Oct 2024 ----------------------------------

NORTH = (34.46, 31.52)
CENTRAL = (34.351, 31.4171)


def test_a_postponed_part_leaves_the_others_running() -> None:
    pause = episode("polio-round-2-2024-10")
    postponed = pause.versions[1]
    assert postponed.status is PauseStatus.PARTIALLY_POSTPONED
    assert {p.id: p.status for p in postponed.parts} == {
        "central": PartStatus.ANNOUNCED,
        "south": PartStatus.ANNOUNCED,
        "north": PartStatus.POSTPONED,
    }
    engine = CoverageEngine([pause])
    assert engine.status(*CENTRAL, datetime(2024, 10, 15, 10, tzinfo=GAZA_SUMMER)).covered
    assert not engine.status(*NORTH, datetime(2024, 10, 24, 10, tzinfo=GAZA_SUMMER)).covered
    # The rescheduled north phase is a later amendment on the postponed part.
    later = engine.status(*NORTH, datetime(2024, 11, 3, 10, tzinfo=GAZA_WINTER))
    assert later.covered
    assert later.matches[0].version == 3
    assert pause.latest.status is PauseStatus.ANNOUNCED


def test_a_postponed_part_keeps_the_calendar_valid() -> None:
    pause = episode("polio-round-2-2024-10")
    ics = pauses_to_ical([pause], stamp=datetime(2024, 11, 1, tzinfo=UTC))
    calendar = Calendar.from_ical(ics)
    north = [e for e in calendar.walk("VEVENT") if str(e["X-RESPITE-PART-ID"]) == "north"]
    assert north, "the rescheduled north phase is in the calendar"
    lo, hi = datetime(2024, 10, 1, tzinfo=UTC), datetime(2024, 12, 1, tzinfo=UTC)
    spans: dict[str, set[tuple[int, int]]] = {}
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else start + event.decoded("DURATION")
        spans.setdefault(str(event["X-RESPITE-PART-ID"]), set()).add(
            (int(start.timestamp()), int(end.timestamp()))
        )
    ours = expanded_occurrences([pause], lo, hi)
    for part in ("central", "south", "north"):
        assert sorted(spans[part]) == list(ours[("polio-round-2-2024-10", part)]), part


def test_a_final_part_takes_no_amendment_but_the_others_do() -> None:
    text = episode_path("polio-round-2-2024-10").read_text()
    text = text.replace(
        "action: postpone\n        parts: [north]\n        effective_at: 2024-10-23",
        "action: cancel\n        parts: [north]\n        effective_at: 2024-10-23",
    )
    with pytest.raises(PauseFileError) as error:
        parse_pauses(text)
    (problem,) = error.value.problems
    assert problem.location == "pauses[0].amendments[1].parts"
    assert "'north' is cancelled" in problem.message


# -- Mariupol, 5-6 Mar 2022: announced, broken under shelling ----------------------------------

MARIUPOL = (37.40, 47.15)


def test_a_broken_pause_keeps_its_windows_and_says_who_reported_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = episode_path("mariupol-2022-03-05")
    answer = check_json(capsys, path, 47.15, 37.40, "2022-03-05T12:00+02:00")
    assert answer["covered"] is True
    (match,) = answer["pauses"]
    assert match["status"] == "broken"
    assert [b["reported_by"] for b in match["broken"]] == ["Mariupol city council"]
    assert match["movement"]["users"] == ["civilians"]
    text = check_text(capsys, path, 47.15, 37.40, "2022-03-05T12:00+02:00")
    assert "announced, but reported broken on Sat 2022-03-05 13:00 (Europe/Kyiv" in text
    assert "by Mariupol city council" in text
    assert "movement: civilians only; one way towards Zaporizhzhia" in text
    pause = episode("mariupol-2022-03-05")
    assert pause.latest.status is PauseStatus.BROKEN
    second = CoverageEngine([pause]).status(*MARIUPOL, datetime(2022, 3, 6, 15, tzinfo=KYIV_WINTER))
    assert [b.reported_by for b in second.matches[0].broken] == [
        "International Committee of the Red Cross"
    ]


@pytest.mark.parametrize("status", ["cancelled", "draft"])
def test_a_cancelled_or_draft_pause_never_answers_covered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, status: str
) -> None:
    text = episode_path("mariupol-2022-03-05").read_text()
    text = text.replace("    kind: corridor\n", f"    kind: corridor\n    status: {status}\n", 1)
    text = text.split("    amendments:")[0]
    path = tmp_path / "pause.yaml"
    path.write_text(text)
    answer = check_json(capsys, path, 47.15, 37.40, "2022-03-05T10:00+02:00")
    assert answer["covered"] is False
    assert answer["next_window"] is None
    (pause,) = load_pause_file(path)
    geojson = pauses_to_geojson(
        [pause], lo=datetime(2022, 3, 1, tzinfo=UTC), hi=datetime(2022, 3, 9, tzinfo=UTC)
    )
    assert all(not f["properties"]["occurrences"] for f in geojson["features"])
    assert {f["properties"]["part_status"] for f in geojson["features"]} == {status}


# -- 9 Nov 2023: daily 4-hour pauses in northern Gaza, each announced 3 hours ahead ------------


def test_a_promised_day_without_an_announced_window_is_expected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = episode_path("white-house-2023-11-09")
    answer = check_json(capsys, path, 31.52, 34.46, "2023-11-12T09:00+02:00")
    assert answer["covered"] is False
    (expected,) = answer["expected"]
    assert expected["status"] == "expected"
    assert (expected["between_start_local"], expected["between_end_local"]) == (
        "2023-11-12T06:00:00+02:00",
        "2023-11-12T18:00:00+02:00",
    )
    assert expected["duration_s"] == 4 * 3600
    text = check_text(capsys, path, 31.52, 34.46, "2023-11-12T09:00+02:00")
    assert (
        "a window of 4 h is expected on this day between 06:00 and 18:00 (Asia/Gaza); "
        "its time is announced 3 hours before"
    ) in text
    # An announced window answers covered; after it, the day is no longer "expected".
    inside = check_json(capsys, path, 31.52, 34.46, "2023-11-10T11:00+02:00")
    assert inside["covered"] is True and inside["expected"] == []
    after = check_json(capsys, path, 31.52, 34.46, "2023-11-10T16:00+02:00")
    assert after["covered"] is False and after["expected"] == []
    # Outside the promised hours nothing is expected.
    night = check_json(capsys, path, 31.52, 34.46, "2023-11-12T20:00+02:00")
    assert night["expected"] == []


def test_a_window_announced_late_is_flagged() -> None:
    pause = episode("white-house-2023-11-09")
    (part,) = pause.latest.parts
    (late,) = part.late_notices
    assert late.version == 3
    assert late.hours_short == 1.5
    assert late.window_start == int(datetime(2023, 11, 11, 8, tzinfo=UTC).timestamp())


# -- Aleppo, 20 Oct 2016: eight corridors, six for civilians, two for fighters ---------------


def test_aleppo_corridors_say_who_may_use_them() -> None:
    pause = episode("aleppo-2016-10-20")
    users = [tuple(u.value for u in p.movement.users) for p in pause.latest.parts if p.movement]
    assert len(users) == 8
    assert users.count(("civilians",)) == 6
    assert users.count(("armed_men",)) == 2
    castello = pause.latest.part("castello")
    point = castello.zone.representative_point()
    status = CoverageEngine([pause]).status(
        point.x, point.y, datetime(2016, 10, 20, 10, tzinfo=timezone(timedelta(hours=3)))
    )
    (match,) = status.matches
    assert match.movement is not None
    assert match.movement.describe().startswith("armed men only; one way towards the Castello road")


# -- Azovstal, 29 Apr - 8 May 2022: confidential, published after it ended --------------------


def test_visibility_is_versioned() -> None:
    pause = episode("azovstal-2022")
    assert [v.visibility for v in pause.versions] == [Visibility.CONFIDENTIAL, Visibility.PUBLIC]
    assert pause.is_public
