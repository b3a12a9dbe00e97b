"""Pause files: the real scenario loads; bad files name every problem and load nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from respite.errors import PauseFileError
from respite.pauses import (
    PauseStatus,
    load_pause_file,
    parse_pauses,
    pause_file_schema,
    published_schema,
)
from respite.scenarios import scenario_text


def test_scenario_has_the_real_pauses(scenario) -> None:
    assert [p.id for p in scenario] == [
        "salah-al-din-corridor-2023-11",
        "jabalia-tactical-pause-2023-11-11",
        "truce-2023-11-24",
        "kerem-shalom-road-tactical-pause-2024-06",
        "polio-round-1-2024-09",
    ]
    for pause in scenario:
        assert pause.spec.sources, pause.id
        assert pause.spec.name.ar, pause.id


def test_truce_versions_record_both_extensions_and_the_end(scenario) -> None:
    truce = next(p for p in scenario if p.id == "truce-2023-11-24")
    assert [v.version for v in truce.versions] == [1, 2, 3, 4]
    assert [v.status for v in truce.versions] == [
        PauseStatus.ANNOUNCED,
        PauseStatus.ANNOUNCED,
        PauseStatus.ANNOUNCED,
        PauseStatus.ENDED,
    ]
    ends = [v.parts[0].last_end() for v in truce.versions]
    assert [datetime.fromtimestamp(e, UTC) for e in ends if e] == [
        datetime(2023, 11, 28, 5, 0, tzinfo=UTC),
        datetime(2023, 11, 30, 5, 0, tzinfo=UTC),
        datetime(2023, 12, 1, 5, 0, tzinfo=UTC),
        datetime(2023, 12, 1, 5, 0, tzinfo=UTC),
    ]
    known_on_29th = truce.version_at(int(datetime(2023, 11, 29, tzinfo=UTC).timestamp()))
    assert known_on_29th is not None and known_on_29th.version == 2


def test_polio_parts_are_four_days_each(scenario) -> None:
    polio = next(p for p in scenario if p.id == "polio-round-1-2024-09")
    lo = int(datetime(2024, 8, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 10, 1, tzinfo=UTC).timestamp())
    days = {
        part.id: [datetime.fromtimestamp(s, UTC).date() for s, _ in part.coverage(lo, hi)]
        for part in polio.latest.parts
    }
    assert days["central"] == [date(2024, 9, d) for d in (1, 2, 3, 4)]
    assert days["south"] == [date(2024, 9, d) for d in (5, 6, 7, 8)]
    assert days["north"] == [date(2024, 9, d) for d in (9, 10, 11, 12)]
    for part in polio.latest.parts:
        assert all(e - s == 9 * 3600 for s, e in part.coverage(lo, hi))


def test_bad_file_lists_every_problem_with_location(data_dir: Path) -> None:
    with pytest.raises(PauseFileError) as info:
        load_pause_file(data_dir / "bad-pauses.yaml")
    problems = {p.location: p.message for p in info.value.problems}
    assert "pauses[2].kind" in problems
    assert "pauses[2].parts[0].windows[0].ends" in problems
    assert "unknown field" in problems["pauses[2].parts[0].windows[0].ends"]


def test_resolution_problems_are_all_reported(data_dir: Path) -> None:
    text = (data_dir / "bad-pauses.yaml").read_text()
    text = text.replace("kind: cease_fire", "kind: truce").replace("ends:", "end:")
    with pytest.raises(PauseFileError) as info:
        parse_pauses(text)
    locations = [p.location for p in info.value.problems]
    assert any(loc.startswith("pauses[0].parts[0].zone.geometry") for loc in locations)
    assert any("not closed" in p.message or "closed" in p.message for p in info.value.problems)
    assert "pauses[1].parts[0].zone.governorates" in locations
    rule = next(p for p in info.value.problems if ".windows[0].rrule" in p.location)
    assert rule.location.startswith("pauses[1].parts[0].windows[0].rrule")
    assert "MONTHLY" in rule.message


def test_duplicate_yaml_key_is_an_error() -> None:
    text = "format: respite-pauses/1\npauses: []\npauses: []\n"
    with pytest.raises(PauseFileError, match=r"line 3.*'pauses' appears twice"):
        parse_pauses(text)


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(PauseFileError, match="line 3, column 3"):
        parse_pauses("format: respite-pauses/1\npauses: [\n  - {id: x\n")


def test_json_files_are_accepted_and_checked_for_duplicates() -> None:
    with pytest.raises(PauseFileError, match="appears twice"):
        parse_pauses('{"format": "respite-pauses/1", "pauses": [], "pauses": []}')
    assert parse_pauses('{"format": "respite-pauses/1", "pauses": []}') == []


def _amended(action_lines: str) -> str:
    return f"""
format: respite-pauses/1
pauses:
  - id: p
    name: {{en: test}}
    kind: truce
    timezone: Asia/Gaza
    parts:
      - id: all
        zone: {{governorates: [Gaza]}}
        windows: [{{start: "2024-01-01T07:00", end: "2024-01-05T07:00"}}]
    sources: [{{title: test}}]
    amendments:
      - version: 2
        effective_at: "2024-01-02T10:00"
        summary: {{en: change}}
        source: {{title: test}}
{action_lines}
"""


def test_extend_must_move_the_end_later() -> None:
    with pytest.raises(PauseFileError) as info:
        parse_pauses(_amended('        action: extend\n        until: "2024-01-04T07:00"'))
    assert info.value.problems[0].location == "pauses[0].amendments[0].until"
    assert "later" in info.value.problems[0].message


def test_suspend_then_resume_removes_only_the_gap() -> None:
    text = _amended('        action: suspend\n        until: "2024-01-02T16:00"')
    (pause,) = parse_pauses(text)
    lo = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 1, 10, tzinfo=UTC).timestamp())
    spans = [
        (datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC))
        for s, e in pause.latest.parts[0].coverage(lo, hi)
    ]
    assert spans == [
        (datetime(2024, 1, 1, 5, 0, tzinfo=UTC), datetime(2024, 1, 2, 8, 0, tzinfo=UTC)),
        (datetime(2024, 1, 2, 14, 0, tzinfo=UTC), datetime(2024, 1, 5, 5, 0, tzinfo=UTC)),
    ]
    assert pause.versions[0].parts[0].coverage(lo, hi).total_seconds() == 4 * 86_400


def test_amendment_numbering_is_checked() -> None:
    text = _amended("        action: end").replace("version: 2", "version: 3")
    with pytest.raises(PauseFileError, match="numbered 2, 3"):
        parse_pauses(text)


def test_published_schema_is_current_and_accepts_the_scenario() -> None:
    assert published_schema() == json.loads(json.dumps(pause_file_schema()))
    tree = yaml.safe_load(scenario_text())
    jsonschema.validate(json.loads(json.dumps(tree, default=str)), published_schema())


def test_schema_rejects_what_the_loader_rejects(data_dir: Path) -> None:
    tree = yaml.safe_load((data_dir / "bad-pauses.yaml").read_text())
    errors = list(
        jsonschema.Draft202012Validator(published_schema()).iter_errors(
            json.loads(json.dumps(tree, default=str))
        )
    )
    assert errors  # the misspelt 'ends' and the unknown kind


RECURRING = """
format: respite-pauses/1
pauses:
  - id: p
    name: {en: daily}
    kind: humanitarian_pause
    timezone: Asia/Gaza
    parts:
      - id: a
        zone: {governorates: [Gaza]}
        windows:
          - {start_time: "06:00", end_time: "15:00", first_date: 2024-10-10, rrule: FREQ=DAILY;COUNT=3}
    sources: [{title: test}]
    amendments:
      - version: 2
        action: extend
        effective_at: "2024-10-11T00:00"
        until: "UNTIL"
        summary: {en: extended}
        source: {title: test}
"""


def test_extending_a_recurring_window_ends_exactly_at_until() -> None:
    (pause,) = parse_pauses(RECURRING.replace("UNTIL", "2024-10-17T10:00"))
    lo = int(datetime(2024, 10, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 11, 1, tzinfo=UTC).timestamp())
    spans = list(pause.latest.parts[0].coverage(lo, hi))
    assert len(spans) == 8  # 10-16 Oct whole, 17 Oct until 10:00 local
    assert datetime.fromtimestamp(spans[-1][1], UTC) == datetime(2024, 10, 17, 7, 0, tzinfo=UTC)
    assert pause.latest.parts[0].last_end() == spans[-1][1]


def test_an_extension_that_adds_no_window_is_refused() -> None:
    with pytest.raises(PauseFileError) as info:
        parse_pauses(RECURRING.replace("UNTIL", "2024-10-13T03:00"))
    (problem,) = info.value.problems
    assert problem.location == "pauses[0].amendments[0].until"
    assert "adds no window" in problem.message


def test_whole_object_checks_name_the_field() -> None:
    text = RECURRING.replace('        until: "UNTIL"\n', "").replace(
        "windows:\n          - {start_time",
        "windows:\n          - {end: '2024-01-01T00:00', start_time",
    )
    with pytest.raises(PauseFileError) as info:
        parse_pauses(text)
    locations = {p.location for p in info.value.problems}
    assert locations == {"pauses[0].parts[0].windows[0].end", "pauses[0].amendments[0].until"}
