"""Bulk import of movements from CSV, with every problem named by row and column.

One movement per row, under a header row naming the columns below (any order; unknown columns
are an error, empty cells are left out). Rows are numbered as a spreadsheet shows them: the
header is row 1. Importing is all or nothing: if any row has a problem, nothing is stored and
every problem of every row is reported (``row[3].departure_earliest: ...``).

Columns: ``reference``, ``name``, ``objective``; the route as ``road`` + ``direction``, or
``waypoints`` (``lon lat; lon lat`` or names, ``;``-separated); ``departure_earliest``,
``departure_latest``, ``arrival_earliest``, ``arrival_latest``; ``travel_minutes`` or
``speed_kmh``; vehicle counts ``trucks``, ``fuel_tankers``, ``ambulances``, ``buses``,
``cars``; ``people``; ``cargo`` (``kind:quantity:unit``, ``;``-separated); ``contact_name``,
``contact_phone``, ``contact_email``; ``expires_at``; ``notify`` (party organisation ids,
``;``-separated); ``pause_id``, ``area``, ``public_release``, ``timezone``, ``notes``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from respite.errors import AlreadyExists, InvalidInput, Problem
from respite.movements.model import MovementSpec
from respite.movements.planning import Plan
from respite.movements.service import notify_movement
from respite.validation import problems_from_pydantic

MAX_ROWS = 1000
VEHICLES = {
    "trucks": "truck",
    "fuel_tankers": "fuel_tanker",
    "ambulances": "ambulance",
    "buses": "bus",
    "cars": "car",
}
SIMPLE = (
    "reference",
    "name",
    "objective",
    "travel_minutes",
    "speed_kmh",
    "people",
    "expires_at",
    "pause_id",
    "area",
    "public_release",
    "timezone",
    "notes",
)
COLUMNS = frozenset(
    {
        *SIMPLE,
        *VEHICLES,
        "road",
        "direction",
        "waypoints",
        "departure_earliest",
        "departure_latest",
        "arrival_earliest",
        "arrival_latest",
        "cargo",
        "contact_name",
        "contact_phone",
        "contact_email",
        "notify",
    }
)
#: Where a problem in the built document came from, as the column to name.
_COLUMN_OF = {
    "route.road": "road",
    "route.direction": "direction",
    "route.waypoints": "waypoints",
    "route": "road",
    "departure.earliest": "departure_earliest",
    "departure.latest": "departure_latest",
    "departure": "departure_earliest",
    "arrival.earliest": "arrival_earliest",
    "arrival.latest": "arrival_latest",
    "contacts[0].name": "contact_name",
    "contacts[0].phone": "contact_phone",
    "contacts[0].email": "contact_email",
    "contacts": "contact_name",
}


@dataclass(frozen=True, slots=True)
class Imported:
    row: int
    spec: MovementSpec
    plan: Plan
    movement_id: str | None = None


def _column(location: str) -> str:
    for prefix, column in sorted(_COLUMN_OF.items(), key=lambda kv: -len(kv[0])):
        if location == prefix or location.startswith((prefix + ".", prefix + "[")):
            return column
    if location.startswith("vehicles"):
        return "trucks"
    if location.startswith("cargo"):
        return "cargo"
    if location.startswith("notify"):
        return "notify"
    return location.split(".", 1)[0] or "row"


def _at(row: int, problems: list[Problem]) -> list[Problem]:
    return [Problem(f"row[{row}].{_column(p.location)}", p.message) for p in problems]


def _document(cells: dict[str, str], row: int) -> dict[str, Any]:
    """The movement document a row describes (values still as text; pydantic parses them)."""
    given = {k: v.strip() for k, v in cells.items() if v is not None and v.strip()}
    doc: dict[str, Any] = {k: given[k] for k in SIMPLE if k in given}
    if "road" in given or "direction" in given:
        doc["route"] = {k: given[k] for k in ("road", "direction") if k in given}
    elif "waypoints" in given:
        doc["route"] = {"waypoints": [_waypoint(w) for w in given["waypoints"].split(";")]}
    for window in ("departure", "arrival"):
        pair = {
            k: given[f"{window}_{k}"] for k in ("earliest", "latest") if f"{window}_{k}" in given
        }
        if pair:
            doc[window] = pair
    doc["vehicles"] = [
        {"kind": kind, "count": given[column]}
        for column, kind in VEHICLES.items()
        if column in given
    ]
    if "cargo" in given:
        doc["cargo"] = [_cargo(item, row) for item in given["cargo"].split(";")]
    contact = {k: given.get(f"contact_{k}") for k in ("name", "phone", "email")}
    if any(contact.values()):
        doc["contacts"] = [{k: v for k, v in contact.items() if v}]
    if "notify" in given:
        doc["notify"] = [n.strip() for n in given["notify"].split(";") if n.strip()]
    return doc


def _waypoint(text: str) -> Any:
    parts = text.replace(",", " ").split()
    try:
        return [float(parts[0]), float(parts[1])] if len(parts) == 2 else text.strip()
    except ValueError:
        return text.strip()


def _cargo(text: str, row: int) -> dict[str, Any]:
    pieces = [p.strip() for p in text.split(":")]
    if len(pieces) != 3:
        raise InvalidInput(
            f"cargo {text.strip()!r} is not kind:quantity:unit", location=f"row[{row}].cargo"
        )
    return {"kind": pieces[0], "quantity": pieces[1], "unit": pieces[2]}


def read_rows(text: str) -> tuple[list[tuple[int, MovementSpec]], list[Problem]]:
    """The rows that validate, as specs, and the problems of those that do not (a problem
    with the file as a whole raises InvalidInput)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise InvalidInput("the CSV has no header row", location="row[1]")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InvalidInput(
            [Problem(f"row[1].{h}", "unknown column (see the import format)") for h in unknown]
        )
    reader.fieldnames = header
    specs: list[tuple[int, MovementSpec]] = []
    problems: list[Problem] = []
    for index, cells in enumerate(reader):
        row = index + 2
        if row - 1 > MAX_ROWS:
            raise InvalidInput(f"at most {MAX_ROWS} rows per import", location=f"row[{row}]")
        if None in cells:
            problems.append(Problem(f"row[{row}]", "more cells than header columns"))
            continue
        try:
            specs.append((row, MovementSpec.model_validate(_document(cells, row))))
        except ValidationError as error:
            problems.extend(_at(row, problems_from_pydantic(error)))
        except InvalidInput as error:
            problems.extend(error.problems)
    if not specs and not problems:
        raise InvalidInput("the CSV has no movement rows", location="row[2]")
    return specs, problems


def _row_order(problem: Problem) -> int:
    number = problem.location.removeprefix("row[").split("]", 1)[0]
    return int(number) if number.isdigit() else 0


def _refuse(problems: list[Problem]) -> InvalidInput:
    return InvalidInput(sorted(problems, key=_row_order))


def import_movements(
    session: Session,
    *,
    text: str,
    plan_for: Callable[[MovementSpec], Plan],
    owner_org_id: int,
    user_id: int,
    now: datetime,
    dry_run: bool = False,
) -> list[Imported]:
    """Check every row (route check included), then notify them all; all or nothing."""
    planned: list[Imported] = []
    specs, problems = read_rows(text)
    for row, spec in specs:
        try:
            planned.append(Imported(row, spec, plan_for(spec)))
        except InvalidInput as error:
            problems.extend(_at(row, list(error.problems)))
    if problems:
        raise _refuse(problems)
    if dry_run:
        return planned
    done = []
    for item in planned:
        try:
            stored = notify_movement(
                session,
                spec=item.spec,
                plan=item.plan,
                owner_org_id=owner_org_id,
                user_id=user_id,
                now=now,
            )
        except InvalidInput as error:
            problems.extend(_at(item.row, list(error.problems)))
            continue
        except AlreadyExists as error:
            problems.append(Problem(f"row[{item.row}].reference", error.detail))
            continue
        done.append(Imported(item.row, item.spec, item.plan, stored.id))
    if problems:
        raise _refuse(problems)  # the caller rolls back: nothing is stored
    return done
