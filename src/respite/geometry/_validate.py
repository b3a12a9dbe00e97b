"""Position, ring and polygon checks behind :func:`respite.geometry.parse_geometry`.

Kept apart from the public module so each stays short; nothing here is public API. The checks
collect problems instead of raising at the first one, so a caller sees every mistake at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NoReturn, TypeAlias

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from respite.errors import GeometryError, Problem

Region: TypeAlias = tuple[float, float, float, float]
"""``(min_lon, min_lat, max_lon, max_lat)`` in degrees."""
Regions: TypeAlias = Region | tuple[Region, ...]
"""One region, or several (a deployment may serve more than one place)."""


def as_regions(region: Regions | None) -> tuple[Region, ...]:
    """Always a tuple of regions (empty when none is given)."""
    if region is None:
        return ()
    boxes: list[Region] = []
    for item in region if region and isinstance(region[0], tuple) else (region,):
        boxes.append(item)  # type: ignore[arg-type]
    return tuple(boxes)


_SWAP_HINT = "looks like [lat, lon]; GeoJSON order is [longitude, latitude]"
# A file with thousands of bad positions would otherwise produce an unreadable error; past this
# many we stop listing and say how many more there were.
MAX_PROBLEMS = 100
_REASON = re.compile(r"^(?P<what>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")

Position: TypeAlias = tuple[float, ...]


def fmt(value: float) -> str:
    return repr(round(value, 7))


def fmt_pos(lon: float, lat: float) -> str:
    return f"[{fmt(lon)}, {fmt(lat)}]"


class Collector:
    """Accumulates problems; counts past the cap so the summary can say how many were hidden."""

    def __init__(self, region: Regions | None) -> None:
        self.problems: list[Problem] = []
        self.hidden = 0
        self.regions = as_regions(region)

    def add(self, location: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(location, message))
        else:
            self.hidden += 1

    def fail(self) -> NoReturn:
        problems = list(self.problems)
        if self.hidden:
            problems.append(Problem("", f"... and {self.hidden} more problems not listed"))
        raise GeometryError(problems)

    # -- positions -------------------------------------------------------------------------

    def position(self, value: object, loc: str) -> Position | None:
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            self.add(
                loc, f"a position must be an array [longitude, latitude], got {kind_of(value)}"
            )
            return None
        if len(value) < 2 or len(value) > 3:
            detail = "altitude is the only optional third value" if len(value) > 3 else ""
            self.add(
                loc,
                "a position needs 2 or 3 numbers [longitude, latitude(, altitude)], "
                f"got {len(value)}" + (f"; {detail}" if detail else ""),
            )
            return None
        numbers: list[float] = []
        for i, item in enumerate(value):
            # bool is an int subclass in Python but `true` is never a coordinate.
            if isinstance(item, bool) or not isinstance(item, int | float):
                self.add(f"{loc}[{i}]", f"must be a number, got {kind_of(item)} {item!r}")
            elif not math.isfinite(item):
                self.add(f"{loc}[{i}]", f"must be a finite number, got {item!r}")
            else:
                numbers.append(float(item))
        if len(numbers) != len(value):
            return None
        lon, lat = numbers[0], numbers[1]
        if not self._in_range(lon, lat, loc) or not self._in_region(lon, lat, loc):
            return None
        return tuple(numbers)

    def _in_range(self, lon: float, lat: float, loc: str) -> bool:
        parts = []
        if not -180.0 <= lon <= 180.0:
            parts.append(f"longitude {fmt(lon)} is outside [-180, 180]")
        if not -90.0 <= lat <= 90.0:
            parts.append(f"latitude {fmt(lat)} is outside [-90, 90]")
        if not parts:
            return True
        if -180.0 <= lat <= 180.0 and -90.0 <= lon <= 90.0:
            parts.append(_SWAP_HINT)
        self.add(loc, "; ".join(parts))
        return False

    def _in_region(self, lon: float, lat: float, loc: str) -> bool:
        # The region is only a hint for swapped axes: a position outside it is fine unless the
        # swapped reading would land inside it.
        if not self.regions or any(inside(r, lon, lat) for r in self.regions):
            return True
        if not any(inside(r, lat, lon) for r in self.regions):
            return True
        self.add(
            loc,
            f"position {fmt_pos(lon, lat)} is outside the expected area but {fmt_pos(lat, lon)} is "
            f"inside it: {_SWAP_HINT}",
        )
        return False

    def positions(self, value: object, loc: str, what: str) -> list[Position] | None:
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            self.add(loc, f"{what} must be an array of positions, got {kind_of(value)}")
            return None
        out = [self.position(p, f"{loc}[{i}]") for i, p in enumerate(value)]
        return [p for p in out if p is not None] if all(p is not None for p in out) else None

    def ring(self, value: object, loc: str) -> list[Position] | None:
        ring = self.positions(value, loc, "a linear ring")
        if ring is None:
            return None
        ok = True
        if len(ring) < 4:
            self.add(
                loc,
                "a linear ring needs at least 4 positions (the first repeated as the last), "
                f"got {len(ring)}",
            )
            ok = False
        if ring and ring[0] != ring[-1]:
            self.add(
                loc,
                f"ring is not closed: the last position {fmt_pos(*ring[-1][:2])} must repeat the "
                f"first {fmt_pos(*ring[0][:2])}",
            )
            ok = False
        return ring if ok else None

    def rings(self, value: object, loc: str) -> list[list[Position]] | None:
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            self.add(loc, f"a polygon must be an array of linear rings, got {kind_of(value)}")
            return None
        if not value:
            self.add(loc, "empty polygon: it needs at least an exterior ring")
            return None
        out = [self.ring(r, f"{loc}[{i}]") for i, r in enumerate(value)]
        return [r for r in out if r is not None] if all(r is not None for r in out) else None


def kind_of(value: object) -> str:
    names = {dict: "object", list: "array", tuple: "array", str: "string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def inside(region: Region, lon: float, lat: float) -> bool:
    return region[0] <= lon <= region[2] and region[1] <= lat <= region[3]


def count_positions(value: object, depth: int) -> int:
    """Positions in a coordinates array, counted without validating (cheap size guard)."""
    if depth == 0:
        return 1
    if not isinstance(value, list | tuple):
        return 0
    return sum(count_positions(v, depth - 1) for v in value)


def validity_reason(geom: BaseGeometry) -> str | None:
    """GEOS's validity reason as a sentence: ``self-intersection at [34.45, 31.52]``."""
    reason: str = shapely.is_valid_reason(geom)
    if reason == "Valid Geometry":
        return None
    match = _REASON.match(reason)
    if match is None:
        return reason[:1].lower() + reason[1:]
    what = match["what"][:1].lower() + match["what"][1:]
    try:
        where = fmt_pos(float(match["x"]), float(match["y"]))
    except ValueError:
        return reason
    return f"{what} at {where}"


def check_polygon(c: Collector, rings: list[list[Position]], loc: str) -> Polygon | None:
    flat = [[p[:2] for p in ring] for ring in rings]
    bad = False
    for i, ring in enumerate(flat):
        why = validity_reason(Polygon(ring))
        if why:
            label = "exterior ring" if i == 0 else "hole"
            c.add(f"{loc}[{i}]", f"{label} is invalid: {why}")
            bad = True
    if bad:
        return None
    shell = flat[0]
    for i, hole in enumerate(flat[1:], start=1):
        # Checking each hole alone against the shell names the offending hole by index.
        why = validity_reason(Polygon(shell, [hole]))
        if why is None:
            continue
        if why.startswith("hole lies outside shell"):
            where = why.removeprefix("hole lies outside shell")
            c.add(f"{loc}[{i}]", f"hole lies outside its exterior ring {loc}[0]{where}")
        else:
            c.add(f"{loc}[{i}]", f"hole crosses or touches its exterior ring {loc}[0]: {why}")
        bad = True
    if bad:
        return None
    polygon = Polygon(shell, flat[1:])
    why = validity_reason(polygon)
    if why:
        c.add(loc, f"polygon is invalid: {why}")
        return None
    return polygon
