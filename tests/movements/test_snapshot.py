"""The access snapshot (JSON, HXL CSV, page) and per-pause objective progress."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import hxl
from movement_helpers import Cast, convoy

from respite.movements.model import Area, MovementObjective, OutcomeCategory
from respite.movements.snapshot import (
    HXL_COLUMNS,
    Mission,
    access_snapshot,
    snapshot_html,
    snapshot_hxl_csv,
)

OCT_1 = datetime(2024, 9, 30, 21, tzinfo=UTC)  # 1 October 2024, 00:00 local (UTC+03:00)


def missions(area: Area, **counts: int) -> list[Mission]:
    made = []
    for column, count in counts.items():
        for n in range(count):
            made.append(
                Mission(
                    movement_id=f"{area.value}-{column}-{n}",
                    area=area,
                    departure=OCT_1 + timedelta(hours=n % 300),
                    objective=MovementObjective.AID_IN,
                    pause_ids=(),
                    outcome=None if column in ("pending", "withdrawn") else OutcomeCategory(column),
                    withdrawn=column == "withdrawn",
                )
            )
    return made


def test_counts_and_percentages_in_the_ocha_shape() -> None:
    # OCHA, 1-14 Oct 2024, north of Wadi Gaza: 285 planned, 85 facilitated, 49 impeded,
    # 141 denied, 10 cancelled (here 4 of them withdrawn notifications without an outcome).
    north = missions(Area.NORTH, facilitated=85, impeded=49, denied=141, cancelled=6, withdrawn=4)
    south = missions(Area.SOUTH, facilitated=3, partially_facilitated=1, pending=2)
    late = [
        Mission(
            "late",
            Area.SOUTH,
            OCT_1 + timedelta(days=14),
            MovementObjective.AID_IN,
            (),
            None,
            False,
        )
    ]
    report = access_snapshot(
        [*north, *south, *late], start=date(2024, 10, 1), end=date(2024, 10, 14), tz="Asia/Gaza"
    )
    rows = {row["area"]: row for row in report["areas"]}
    assert {
        k: rows["north"][k]
        for k in ("planned", "facilitated", "impeded", "denied", "cancelled", "pending")
    } == {
        "planned": 285,
        "facilitated": 85,
        "impeded": 49,
        "denied": 141,
        "cancelled": 10,
        "pending": 0,
    }
    assert rows["north"]["percent"] == {
        "facilitated": 29.8,
        "partially_facilitated": 0.0,
        "impeded": 17.2,
        "denied": 49.5,
        "cancelled": 3.5,
        "pending": 0.0,
    }
    assert (
        rows["south"]["planned"],
        rows["south"]["pending"],
        rows["south"]["percent"]["facilitated"],
    ) == (6, 2, 50.0)
    assert rows["all"]["planned"] == 291
    assert "late" not in report["missions"]  # 15 October, local
    only = access_snapshot(
        north, start=date(2024, 10, 1), end=date(2024, 10, 14), tz="Asia/Gaza", area=Area.SOUTH
    )
    assert [(r["area"], r["planned"], r["percent"]["facilitated"]) for r in only["areas"]] == [
        ("south", 0, None)
    ]


def test_hxl_csv_reads_as_hxl() -> None:
    report = access_snapshot(
        missions(Area.NORTH, facilitated=3, denied=1),
        start=date(2024, 10, 1),
        end=date(2024, 10, 14),
        tz="Asia/Gaza",
    )
    text = snapshot_hxl_csv(report)
    data = hxl.data(io.BytesIO(text.encode("utf-8")))
    assert [c.display_tag for c in data.columns] == [tag for _, tag in HXL_COLUMNS]
    rows = {r.get("#loc+code"): r for r in data}
    north = rows["north"]
    assert north.get("#loc+name") == "North of Wadi Gaza"
    assert (north.get("#date+start"), north.get("#date+end")) == ("2024-10-01", "2024-10-14")
    assert north.get("#indicator+planned+num") == "4"
    assert north.get("#indicator+facilitated+num") == "3"
    assert north.get("#indicator+facilitated+pct") == "75.0"
    assert north.get("#indicator+denied+pct") == "25.0"
    assert rows["south"].get("#indicator+facilitated+pct") is None  # nothing planned
    assert hxl.validate(hxl.data(io.BytesIO(text.encode("utf-8"))))["is_valid"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_page_is_readable_and_self_contained() -> None:
    report = access_snapshot(
        missions(Area.SOUTH, facilitated=1, denied=3),
        start=date(2024, 10, 1),
        end=date(2024, 10, 14),
        tz="Asia/Gaza",
    )
    page = snapshot_html(report)
    parsed = _Text()
    parsed.feed(page)
    text = " ".join(parsed.text)
    assert "Access snapshot, 2024-10-01 to 2024-10-14" in text
    assert "not a request for permission" in text
    assert "Asia/Gaza" in text
    assert "3 (75.0%)" in text.replace("  ", " ")
    assert "script" not in parsed.tags and "http" not in page
    assert "href='snapshot.hxl.csv?from=2024-10-01&amp;to=2024-10-14'" in page


def test_the_snapshot_over_http_in_three_forms(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    for reference, category in (("A", "facilitated"), ("B", "denied"), ("C", None)):
        mid = cast.post("aid", "/v1/movements", json=convoy(reference=reference)).json()["id"]
        if category:
            body = {"category": category, "reason": "checkpoint closed"}
            assert (
                cast.post("coordinator", f"/v1/movements/{mid}/outcomes", json=body).status_code
                == 201
            )
    week = {"from": "2023-11-05", "to": "2023-11-11"}
    as_json = cast.get("observer", "/v1/access/snapshot", **week).json()
    south = next(r for r in as_json["areas"] if r["area"] == "south")
    assert (south["planned"], south["facilitated"], south["denied"], south["pending"]) == (
        3,
        1,
        1,
        1,
    )
    assert south["percent"]["facilitated"] == 33.3
    csv_answer = cast.get("observer", "/v1/access/snapshot.hxl.csv", **week)
    assert csv_answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_answer.text.splitlines()[1].startswith("#loc+name,#loc+code,#date+start,#date+end")
    page = cast.get("observer", "/v1/access/snapshot.html", **week)
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "South of Wadi Gaza" in page.text
    backwards = cast.get(
        "observer", "/v1/access/snapshot", **{"from": "2023-11-11", "to": "2023-11-05"}
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["location"] == "to"


def test_objective_progress_against_200_trucks_a_day(sqlite_cast: Cast) -> None:
    """The truce planned 200 aid trucks a day; two convoys on 24 November deliver 137 and 63."""
    cast = sqlite_cast
    for reference, trucks, delivered in (("T1", 140, 137), ("T2", 70, 63)):
        document = convoy(
            reference=reference,
            objective="aid_in",
            pause_id="truce-2023-11-24",
            departure={"earliest": "2023-11-24T08:00", "latest": "2023-11-24T09:00"},
            vehicles=[{"kind": "truck", "count": trucks}],
            people=0,
        )
        mid = cast.post("aid", "/v1/movements", json=document).json()["id"]
        outcome = {
            "category": "partially_facilitated",
            "reason": "slow screening",
            "delivered": {"trucks": delivered},
        }
        assert (
            cast.post("coordinator", f"/v1/movements/{mid}/outcomes", json=outcome).status_code
            == 201
        )
    answer = cast.get(
        "coordinator",
        "/v1/access/progress/truce-2023-11-24",
        **{"from": "2023-11-24", "to": "2023-11-25"},
    )
    assert answer.status_code == 200, answer.text
    [trucks] = [o for o in answer.json()["objectives"] if o["kind"] == "aid_trucks_in"]
    assert trucks["target"] == 200 and trucks["per"] == "day"
    assert trucks["days"] == [
        {
            "date": "2023-11-24",
            "target": 200,
            "movements": 2,
            "planned": 210,
            "delivered": 137 + 63,
            "share_of_target": 1.0,
            "recorded_in_pause": 200,
        },
        {
            "date": "2023-11-25",
            "target": 200,
            "movements": 0,
            "planned": 0,
            "delivered": 0,
            "share_of_target": 0.0,
            "recorded_in_pause": 199,
        },
    ]
    # The whole truce by default; unknown pauses are 404.
    whole = cast.get("coordinator", "/v1/access/progress/truce-2023-11-24").json()
    assert [d["date"] for d in whole["objectives"][0]["days"]][::3] == [
        "2023-11-24",
        "2023-11-27",
        "2023-11-30",
    ]
    assert cast.get("coordinator", "/v1/access/progress/no-such-pause").status_code == 404
