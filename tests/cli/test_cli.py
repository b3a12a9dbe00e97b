"""The respite command: answers, exit codes and one-line reasons."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from respite.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_json_inside_a_polio_window(capsys) -> None:
    code, out, err = run(
        capsys,
        "check",
        "--lat",
        "31.4171",
        "--lon",
        "34.3510",
        "--at",
        "2024-09-02T10:00+03:00",
        "--json",
    )
    assert code == 0, err
    answer = json.loads(out)
    assert answer["covered"] is True
    assert [(p["id"], p["kind"], p["window_end"]) for p in answer["pauses"]] == [
        ("polio-round-1-2024-09", "humanitarian_pause", "2024-09-02T12:00:00Z")
    ]
    assert answer["pauses"][0]["window_end_local"] == "2024-09-02T15:00:00+03:00"
    assert answer["next_window"] is None


def test_check_json_between_windows_names_the_next(capsys) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "--lat",
        "31.4171",
        "--lon",
        "34.3510",
        "--at",
        "2024-08-31T12:00Z",
        "--json",
    )
    assert code == 0
    answer = json.loads(out)
    assert answer["covered"] is False
    assert answer["pauses"] == []
    assert answer["next_window"] == answer["next_window"] | {
        "id": "polio-round-1-2024-09",
        "start": "2024-09-01T03:00:00Z",
        "end": "2024-09-01T12:00:00Z",
    }


def test_check_text_names_the_zone_and_local_time(capsys) -> None:
    code, out, _ = run(
        capsys, "check", "--lat", "31.4171", "--lon", "34.3510", "--at", "2024-09-02T10:00+03:00"
    )
    assert code == 0
    assert "PAUSED" in out
    assert "Asia/Gaza" in out and "15:00" in out and "12:00 UTC" in out


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["check", "--lat", "131.4", "--lon", "34.3", "--at", "2024-09-02T10:00Z"], "--lat"),
        (["check", "--lat", "31.4", "--lon", "34.3", "--at", "2024-09-02T10:00"], "no UTC offset"),
        (["check", "--lat", "31.4", "--lon", "34.3", "--at", "yesterday"], "ISO 8601"),
        (
            [
                "check",
                "--lat",
                "31.4",
                "--lon",
                "34.3",
                "--at",
                "2024-01-01T10:00",
                "--tz",
                "Mars/Base",
            ],
            "unknown time zone",
        ),
        (["check", "--lat", "x", "--lon", "34.3", "--at", "now"], "invalid float"),
        (
            [
                "windows",
                "no-such-pause",
                "--from",
                "2024-01-01T00:00Z",
                "--to",
                "2024-02-01T00:00Z",
            ],
            "no pause",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, reason) -> None:
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own checks exit from inside parse_args
        code = int(str(exited.code))
    assert code == 2
    err = capsys.readouterr().err
    assert reason in err
    assert err.count("\n") == 1


def test_windows_lists_local_and_utc(capsys) -> None:
    code, out, _ = run(
        capsys,
        "windows",
        "polio-round-1-2024-09",
        "--from",
        "2024-09-01",
        "--to",
        "2024-09-03",
        "--tz",
        "Asia/Gaza",
        "--json",
    )
    assert code == 0
    listed = json.loads(out)["windows"]
    assert [(w["part"], w["start"], w["start_local"]) for w in listed] == [
        ("central", "2024-09-01T03:00:00Z", "2024-09-01T06:00:00+03:00"),
        ("central", "2024-09-02T03:00:00Z", "2024-09-02T06:00:00+03:00"),
    ]


def test_validate_good_and_bad(capsys, data_dir: Path) -> None:
    code, out, _ = run(capsys, "validate", str(data_dir / "dst-daily.yaml"))
    assert code == 0 and "ok: 2 pause(s)" in out
    code, _, err = run(capsys, "validate", str(data_dir / "bad-pauses.yaml"))
    assert code == 2
    assert "pauses[2].parts[0].windows[0].ends: unknown field" in err
    assert "nothing loaded" in err


def test_export_geojson_and_ical(capsys, tmp_path: Path) -> None:
    target = tmp_path / "pauses.geojson"
    assert main(["export", "geojson", "--out", str(target)]) == 0
    collection = json.loads(target.read_text())
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 7  # 1+1+1+1+3 parts
    ics = tmp_path / "pauses.ics"
    assert main(["export", "ical", "--out", str(ics)]) == 0
    calendar = Calendar.from_ical(ics.read_bytes())
    assert len(calendar.walk("VEVENT")) >= 7


def test_console_script_runs() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "respite.cli",
            "check",
            "--lat",
            "31.5",
            "--lon",
            "34.2",
            "--at",
            "2024-09-02T10:00Z",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["covered"] is False
