"""``respite movements ...``: plan on the scenario, and the database actions over the same
store as the API (recorded as the operator, audited)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from movement_helpers import Cast, convoy, site

import respite.cli
from respite.cli import main
from respite.movements.commands import add_parsers

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``respite`` with the movements commands (registered here unless cli.py already does)."""
    original = respite.cli._service_commands

    def with_movements(sub: object) -> None:
        original(sub)
        if "movements" not in sub.choices:  # type: ignore[attr-defined]
            add_parsers(sub)  # type: ignore[arg-type]

    monkeypatch.setattr(respite.cli, "_service_commands", with_movements)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_plan_tells_what_is_outside_and_what_fits(run: Run) -> None:
    code, out, err = run(
        "movements",
        "plan",
        "--road",
        "salah-al-din",
        "--depart",
        "2023-11-05T09:00",
        "--travel-minutes",
        "120",
    )
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "is outside pause coverage on: km 0.0-7.3, Sun 2023-11-05 09:00-10:00 (Asia/Gaza, UTC+02:00)"
        in text
    )
    assert "Sun 2023-11-05 10:00-12:00 (Asia/Gaza, UTC+02:00); Tue 2023-11-07 13:00-14:00" in text
    code, out, _ = run(
        "movements",
        "plan",
        "--road",
        "salah-al-din",
        "--depart",
        "2023-11-05T07:00Z",
        "--speed",
        "7.3165",
        "--json",
    )
    assert code == 0
    plan = json.loads(out)
    assert plan["outside_coverage"][0]["end_local"] == "2023-11-05T10:00:00+02:00"
    code, _, err = run(
        "movements", "plan", "--road", "no-road", "--depart", "2023-11-05T09:00", "--speed", "10"
    )
    assert code == 2 and err.startswith("respite: route.road: ") and err.count("\n") == 1


def test_the_database_actions(run: Run, sqlite_cast: Cast, tmp_path: Path) -> None:
    db = ["--database", sqlite_cast.svc.url]
    movement = tmp_path / "convoy.json"
    movement.write_text(json.dumps(convoy(notify=[sqlite_cast.orgs["liaison"]])))
    code, out, err = run("movements", "notify", str(movement), "--org", "gaza-relief", *db)
    assert code == 0, err
    mid = out.split()[2]
    assert mid.startswith("mv-20231105-")
    assert "not a request for permission" in out
    assert "km 0.0-7.3" in out

    code, out, _ = run("movements", "unacknowledged", *db)
    assert code == 0 and f"movement:{mid} v1  party-office: unacknowledged for" in out
    assert "[departure_passed]" in out
    code, out, err = run("movements", "acknowledge", mid, "--party", "party-office", *db)
    assert code == 0, err
    assert out.strip() == f"party-office acknowledged version 1 of {mid}"
    code, _, err = run("movements", "acknowledge", mid, "--party", "party-office", *db)
    assert code == 2 and "already acknowledged" in err

    result = tmp_path / "outcome.json"
    result.write_text(json.dumps({"category": "denied", "reason": "Checkpoint closed"}))
    code, out, err = run("movements", "outcome", mid, str(result), *db)
    assert code == 0, err
    assert out.strip() == f"outcome of {mid}: denied (revision 1)"

    code, out, _ = run("movements", "list", "--json", *db)
    [listed] = json.loads(out)
    assert (listed["id"], listed["state"], listed["outcome"]) == (mid, "completed", "denied")
    code, out, _ = run(
        "movements",
        "snapshot",
        "--from",
        "2023-11-05",
        "--to",
        "2023-11-11",
        "--format",
        "hxl",
        *db,
    )
    assert code == 0
    south = next(line for line in out.splitlines() if line.startswith("South of Wadi Gaza"))
    assert south.split(",")[4:6] == ["1", "0"]  # planned 1, facilitated 0
    code, out, _ = run("movements", "snapshot", "--from", "2023-11-05", "--to", "2023-11-11", *db)
    assert json.loads(out)["missions"] == [mid]

    rows = tmp_path / "movements.csv"
    rows.write_text(
        "reference,name,objective,road,direction,departure_earliest,departure_latest,travel_minutes,contact_name,contact_phone,timezone\n"
        "CLI-1,Convoy,aid_in,salah-al-din,south,2023-11-07T13:00,2023-11-07T13:30,60,Lead,+970 59 9,Asia/Gaza\n"
    )
    code, out, err = run("movements", "import", str(rows), "--org", "gaza-relief", "--dry-run", *db)
    assert code == 0, err
    assert "row 2: - covered" in out and "1 movement(s) checked" in out

    premises = tmp_path / "site.json"
    premises.write_text(json.dumps(site()))
    code, out, err = run("movements", "site", str(premises), "--org", "gaza-relief", *db)
    assert code == 0, err
    assert out.startswith("registered site site-")
    code, out, err = run(
        "movements",
        "progress",
        "truce-2023-11-24",
        "--from",
        "2023-11-24",
        "--to",
        "2023-11-24",
        *db,
    )
    assert code == 0, err
    assert json.loads(out)["objectives"][0]["days"][0]["recorded_in_pause"] == 200

    code, out, _ = run("movements", "withdraw", mid, "--reason", "late", *db)
    assert code == 2  # completed: an outcome was recorded
    code, out, _ = run("audit", "verify", *db)
    assert code == 0 and "audit ledger verified" in out
    entries = sqlite_cast.svc.client.get("/v1/audit", headers=sqlite_cast.svc.admin).json()[
        "entries"
    ]
    assert [e["action"] for e in entries if e["subject"] == f"movement:{mid}"] == [
        "movement.notify",
        "movement.acknowledge",
        "movement.outcome",
    ]
