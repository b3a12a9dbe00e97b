"""``respite draft``: the printed field list and draft, ``--json``, and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from respite.cli import main

KEREM_SHALOM = (
    "As part of ongoing efforts by the IDF and COGAT, to increase the volumes of humanitarian aid "
    "entering the Gaza Strip, a local, tactical pause of military activity for humanitarian "
    "purposes will take place from 08:00 until 19:00 every day until further notice along the "
    "road that leads from the Kerem Shalom Crossing to the Salah al-Din Road and then northwards."
)
CALL = (
    "US President Joe Biden is calling for humanitarian pauses in the Israel-Hamas conflict that "
    'would involve a "temporary, localized" cessation of hostilities, a senior White House '
    "official said Thursday."
)
EXTENSION = (
    '"The State of Qatar announces, as part of the ongoing mediation, an agreement has been '
    'reached to extend the humanitarian truce for an additional two days in the Gaza Strip," '
    "ministry spokesperson Majed Al Ansari said on X."
)


def _write(tmp_path: Path, text: str | bytes, name: str = "text.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_draft_prints_fields_spans_and_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, KEREM_SHALOM)
    assert main(["draft", str(path), "--date", "2024-06-16"]) == 0
    out = capsys.readouterr().out
    assert "ANNOUNCEMENT of a tactical_pause" in out
    assert "crossing:kerem-shalom" in out and "«the Kerem Shalom Crossing»" in out
    assert "08:00-19:00 2024-06-16..? daily until further notice (Asia/Gaza)" in out
    assert "status: draft" in out and "published: false" in out
    assert "To fill in:" in out and "corridor.width_m" in out


def test_draft_json_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, KEREM_SHALOM)
    assert main(["draft", str(path), "--date", "2024-06-16", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["is_announcement"] is True
    assert result["kind"] == "tactical_pause"
    place = next(p for p in result["places"] if p["id"] == "crossing:kerem-shalom")
    assert KEREM_SHALOM[place["span"]["start"] : place["span"]["end"]] == place["text"]
    (window,) = result["windows"]
    assert {
        k: window[k]
        for k in (
            "start_local",
            "end_local",
            "first_date",
            "last_date",
            "recurrence",
            "until_further_notice",
            "timezone",
        )
    } == {
        "start_local": "08:00",
        "end_local": "19:00",
        "first_date": "2024-06-16",
        "last_date": None,
        "recurrence": "daily",
        "until_further_notice": True,
        "timezone": "Asia/Gaza",
    }
    assert result["notice_hours"] is None
    assert result["objectives"][0]["kind"] == "aid_trucks_in"
    assert result["draft"]["format"] == "respite-pauses/1"
    assert result["draft"]["pauses"][0]["status"] == "draft"


def test_a_call_is_no_announcement_and_no_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, CALL)
    assert main(["draft", str(path), "--date", "2023-11-02", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["is_announcement"] is False
    assert result["kind"] == "call_for_pause"
    assert result["draft"] is None


def test_an_extension_of_a_scenario_pause_moves_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, EXTENSION)
    assert (
        main(["draft", str(path), "--date", "2023-11-27", "--amends", "truce-2023-11-24", "--json"])
        == 0
    )
    amendment = json.loads(capsys.readouterr().out)["amendment"]
    assert amendment["action"] == "extend"
    assert amendment["until"] == "2023-11-30T07:00"
    assert amendment["version"] == 2  # the version the truce had then was 1


def test_no_date_is_said_to_be_assumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, KEREM_SHALOM)
    assert main(["draft", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["to_fill_in"][0].startswith("text_date")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("", [], "text is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [], "binary"),
        (b"\xff\xfe\xfa bad", [], "not UTF-8"),
        ("x" * 10_000_000, [], "bytes; an announcement is at most"),
        (
            "Une pause humanitaire de quatre heures sera observée chaque jour.",
            [],
            "no extraction rules",
        ),
        (KEREM_SHALOM, ["--date", "16/06/2024"], "--date"),
        (KEREM_SHALOM, ["--tz", "Mars/Olympus"], "unknown time zone"),
    ],
    ids=["empty", "binary", "not-utf8", "10MB", "french", "bad-date", "bad-zone"],
)
def test_bad_input_exits_2_with_a_reason(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes,
    args: list[str],
    message: str,
) -> None:
    path = _write(tmp_path, content)
    assert main(["draft", str(path), *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["draft", str(tmp_path / "absent.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
