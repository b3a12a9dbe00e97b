"""VRPTW instances through the planner's path: tiny ones checked by hand, a Solomon one
against its best known distance, bad files refused; and the ``respite plan`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pyvrp
from pyvrp.stop import MaxIterations as PyvrpIterations

from respite.cli import main
from respite.errors import InvalidInput
from respite.planner import MaxIterations, MaxRuntime
from respite.planner.vrptw import solve_vrptw

SOLOMON = Path(__file__).parents[2] / "benchmarks" / "data" / "solomon"

# depot at (0, 0); customers at (3, 4), (6, 8) and (0, 5); capacity 10 fits two of them
TINY = """NAME : tiny
TYPE : CVRPTW
DIMENSION : 4
VEHICLES : 3
CAPACITY : 10
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 0 5
DEMAND_SECTION
1 0
2 5
3 5
4 6
SERVICE_TIME_SECTION
1 0
2 0
3 0
4 0
TIME_WINDOW_SECTION
1 0 1000
2 0 1000
3 0 1000
4 0 1000
DEPOT_SECTION
1
-1
EOF
"""

SOLOMON_TEXT = """tiny

VEHICLE
NUMBER     CAPACITY
  3         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
    0      0          0          0          0       1000          0
    1      3          4          5          0       1000          0
    2      6          8          5          0       1000          0
    3      0          5          6          0       1000          0
"""


def test_a_tiny_instance_has_its_hand_worked_optimum(tmp_path: Path) -> None:
    # {1, 2} out and back along one line: 10 + 10 = 20; {3} alone: 5 + 5 = 10; total 30
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY)
    answer = solve_vrptw(path, MaxIterations(200), seed=1)
    assert answer.feasible
    assert answer.distance == 30.0
    assert sorted(sorted(r) for r in answer.routes) == [[1, 2], [3]]


def test_the_solomon_text_format_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(SOLOMON_TEXT)
    answer = solve_vrptw(path, MaxIterations(200), seed=1)
    assert (answer.distance, answer.feasible) == (30.0, True)


def test_c101_reaches_its_best_known_distance_and_visits_everyone() -> None:
    answer = solve_vrptw(SOLOMON / "C101.vrp", MaxRuntime(1.0), seed=1)
    assert answer.feasible
    assert answer.distance >= 827.3  # the best known, proved optimal
    assert answer.distance <= 827.3 * 1.01
    assert sorted(c for route in answer.routes for c in route) == list(range(1, 101))


def test_a_file_that_is_not_an_instance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.vrp"
    path.write_text("hello\n")
    with pytest.raises(InvalidInput, match="not a VRPLIB or Solomon instance"):
        solve_vrptw(path, MaxIterations(10))


def test_the_vrptw_command_prints_one_json_object(capsys, tmp_path: Path) -> None:
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY)
    assert main(["plan", "vrptw", str(path), "--seconds", "0.2", "--seed", "3", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["distance"] == 30.0 and answer["feasible"] is True
    assert sorted(c for r in answer["routes"] for c in r) == [1, 2, 3]


def test_the_vrptw_command_exits_2_on_a_missing_file(capsys, tmp_path: Path) -> None:
    assert main(["plan", "vrptw", str(tmp_path / "none.vrp")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_example_command_writes_a_page(tmp_path: Path) -> None:
    out = tmp_path / "truce.html"
    args = ["plan", "example", "truce", "--seconds", "0.5", "--format", "html", "-o", str(out)]
    assert main(args) == 0
    assert "<svg" in out.read_text()


def test_a_what_if_is_compared_side_by_side(capsys) -> None:
    code = main(["plan", "example", "truce", "--seconds", "0.5", "--what-if", "close:rafah"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["change"] == "close:rafah"
    assert set(doc) == {"change", "base", "variant", "difference", "items"}
    before, after = doc["base"]["delivered"]["goods"], doc["variant"]["delivered"]["goods"]
    assert doc["difference"]["goods"] == after - before


def test_a_bad_what_if_names_the_option(capsys) -> None:
    assert main(["plan", "example", "truce", "--seconds", "0.2", "--what-if", "extend:nope"]) == 2
    assert "unknown window 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["R101", "RC201"])
def test_the_planner_path_costs_nothing_against_plain_pyvrp(name: str) -> None:
    """Same data, seed and iterations as pyvrp.read(..., "dimacs"): the same solution."""
    path = SOLOMON / f"{name}.vrp"
    plain = pyvrp.solve(
        pyvrp.read(path, round_func="dimacs"), PyvrpIterations(400), seed=5, display=False
    )
    mine = solve_vrptw(path, MaxIterations(400), seed=5)
    assert mine.distance == plain.best.distance() / 10
