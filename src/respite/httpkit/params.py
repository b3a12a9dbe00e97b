"""What a request carries and what a versioned answer says: If-Match, bodies, bounding boxes.

A versioned resource answers with its version as the ETag; a change must send it back in
If-Match (:func:`expected_version`), so that two editors cannot overwrite each other unseen.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from shapely import box

from respite.errors import InvalidInput, PreconditionRequired, Problem
from respite.validation import problems_from_pydantic

T = TypeVar("T", bound=BaseModel)


def expected_version(if_match: str | None, what: str) -> int:
    if if_match is None:
        raise PreconditionRequired(f"send If-Match with the {what}'s ETag (its version)")
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput(f"If-Match {if_match!r} is not a version", location="If-Match")
    return int(value)


def parse_body(body: dict[str, Any], model: type[T]) -> T:
    """``body`` as ``model``; pydantic's errors as InvalidInput naming each field."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(problems_from_pydantic(error)) from None


def etag(version: int) -> str:
    return f'"{version}"'


def parse_bbox(text: str) -> Any:
    """``minlon,minlat,maxlon,maxlat`` as a shapely box, checked."""
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise InvalidInput(
            "bbox must be four numbers: minlon,minlat,maxlon,maxlat", location="bbox"
        ) from None
    if len(values) != 4:
        raise InvalidInput(
            "bbox must be four numbers: minlon,minlat,maxlon,maxlat", location="bbox"
        )
    minlon, minlat, maxlon, maxlat = values
    problems = []
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        problems.append(Problem("bbox", "longitudes must be within -180..180"))
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        problems.append(Problem("bbox", "latitudes must be within -90..90 (lon,lat order)"))
    if minlon > maxlon or minlat > maxlat:
        problems.append(Problem("bbox", "minimum values must not exceed maximum values"))
    if problems:
        raise InvalidInput(problems)
    return box(minlon, minlat, maxlon, maxlat)
