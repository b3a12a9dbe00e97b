"""Bulk import of movements from CSV: all or nothing, every problem named by row and column."""

from __future__ import annotations

from api_helpers import assert_problem
from movement_helpers import Cast

from respite.movements.tables import MovementRow

HEADER = (
    "reference,name,objective,road,direction,waypoints,departure_earliest,departure_latest,"
    "travel_minutes,speed_kmh,trucks,ambulances,people,cargo,contact_name,contact_phone,"
    "notify,timezone,pause_id"
)
GOOD_ROWS = [
    "AID-2411-01,Flour convoy,aid_in,salah-al-din,south,,2023-11-24T08:00,2023-11-24T09:00,,20,12,,,flour:240:t,Lead,+970 59 2,,Asia/Gaza,truce-2023-11-24",
    'AID-2411-02,Fuel convoy,aid_in,,,"Kerem Shalom; 34.30 31.34",2023-11-24T10:00,2023-11-24T10:30,60,,3,,,,Lead,+970 59 3,,Asia/Gaza,truce-2023-11-24',
]


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def post(cast: Cast, text: str, **params: str) -> object:
    return cast.svc.client.post(
        "/v1/movements/import",
        headers=cast.headers("aid", **{"Content-Type": "text/csv"}),
        content=text.encode(),
        params=params,
    )


def test_a_good_file_notifies_every_row(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    checked = post(cast, csv_text(*GOOD_ROWS), dry_run="true")
    assert checked.status_code == 200, checked.text
    assert [m["id"] for m in checked.json()["movements"]] == [None, None]
    assert cast.svc.count(MovementRow) == 0
    made = post(cast, csv_text(*GOOD_ROWS))
    assert made.status_code == 201, made.text
    rows = made.json()["movements"]
    assert [(r["row"], r["reference"], r["fully_covered"]) for r in rows] == [
        (2, "AID-2411-01", True),
        (3, "AID-2411-02", False),  # Kerem Shalom itself lies outside the Strip's governorates
    ]
    first = cast.get("aid", rows[0]["href"]).json()
    assert first["document"]["vehicles"] == [{"kind": "truck", "count": 12, "plates": []}]
    assert first["document"]["cargo"] == [{"kind": "flour", "quantity": 240.0, "unit": "t"}]
    assert first["pause_ids"] == ["truce-2023-11-24"]
    second = cast.get("aid", rows[1]["href"]).json()
    assert second["plan"]["route"]["description"] == "by waypoints"
    assert second["plan"]["travel_minutes"] == 60.0
    [outside] = second["plan"]["outside_coverage"]
    assert outside["from_km"] == 0.0 and outside["to_km"] < 1.0
    assert "not a request for permission" in made.json()["notice"]["en"]


def test_every_problem_of_every_row_is_named_and_nothing_is_stored(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    before = (cast.svc.audit_head(), cast.svc.count(MovementRow))
    bad = csv_text(
        GOOD_ROWS[0],
        "B-3,No time,aid_in,salah-al-din,south,,,2023-11-24T09:00,60,,,,,,Lead,+970 59 4,,Asia/Gaza,",
        "B-4,Bad road,medical,wadi-road,south,,2023-11-24T08:00,2023-11-24T09:00,60,,,2,5,,Lead,+970 59 5,,Asia/Gaza,",
        "B-5,No phone,people_out,salah-al-din,south,,2023-11-24T08:00,2023-11-24T09:00,60,,,,,,Lead,,,Asia/Gaza,",
        "B-6,Bad cargo,aid_in,salah-al-din,south,,2023-11-24T08:00,2023-11-24T09:00,60,,2,,,flour,Lead,+970 59 6,,Asia/Gaza,",
        "B-7,Too fast,aid_in,salah-al-din,south,,2023-11-24T08:00,2023-11-24T09:00,2,,2,,,,Lead,+970 59 7,,Asia/Gaza,",
        f"B-8,Not a party,aid_in,salah-al-din,south,,2023-11-24T08:00,2023-11-24T09:00,60,,2,,,,Lead,+970 59 8,{cast.orgs['other-aid']},Asia/Gaza,",
    )
    answer = post(cast, bad)
    body = assert_problem(answer, 422)
    locations = [e["location"] for e in body["errors"]]
    assert locations == [
        "row[3].departure_earliest",
        "row[4].road",
        "row[5].contact_phone",
        "row[6].cargo",
        "row[7].travel_minutes",
    ]
    assert (cast.svc.audit_head(), cast.svc.count(MovementRow)) == before
    # Once every row reads and plans, notifying can still refuse one (a party that is not a
    # party): the rows before it are rolled back.
    answer = post(cast, csv_text(GOOD_ROWS[0], bad.splitlines()[-1]))
    body = assert_problem(answer, 422, location="row[3].notify")
    assert (cast.svc.audit_head(), cast.svc.count(MovementRow)) == before


def test_duplicate_references_and_unknown_columns(sqlite_cast: Cast) -> None:
    cast = sqlite_cast
    twice = post(cast, csv_text(GOOD_ROWS[0], GOOD_ROWS[0]))
    assert_problem(twice, 422, location="row[3].reference")
    unknown = post(cast, "reference,colour\nX,blue\n")
    assert_problem(unknown, 422, location="row[1].colour")
    empty = post(cast, HEADER + "\n")
    assert_problem(empty, 422, location="row[2]")
    assert cast.svc.count(MovementRow) == 0
