"""The join's inputs, checked: every bad field is named with what is wrong, nothing is dropped.

Checks are whole-array passes (a few milliseconds for millions of events); indices are only
looked for once a check has failed. A column with many bad values lists the first few and
counts the rest, so that a broken file of a million rows gives a readable message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.compliance.frame import EventColumns, Float64Array, Int64Array, ZoneWindows
from respite.errors import InvalidInput, Problem

ObjectArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

#: UTC seconds of 0001-01-01 and of 10000-01-01: the span a calendar date can name. Keeping
#: times inside it also keeps every sum and difference of two times far from int64 overflow.
MIN_TIME = -62_135_596_800
MAX_TIME = 253_402_300_800
#: Largest coordinate (metres) and radius accepted: a local planar frame spans at most a few
#: thousand kilometres; far beyond that a value is a unit mistake, and cell arithmetic on it
#: would lose its precision.
MAX_COORDINATE = 1e9
MAX_RADIUS = 1e7
_LISTED = 5
_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon


@dataclass(frozen=True, slots=True)
class CheckedEvents:
    x: Float64Array
    y: Float64Array
    t_lo: Int64Array
    t_hi: Int64Array
    radius: Float64Array


@dataclass(frozen=True, slots=True)
class CheckedRows:
    geoms: ObjectArray  # every zone, as given
    zone: Int64Array
    start: Int64Array
    end: Int64Array


def _listed(location: str, bad: BoolArray, message: str) -> list[Problem]:
    where = np.flatnonzero(bad)
    found = [Problem(f"{location}[{i}]", message) for i in where[:_LISTED].tolist()]
    if len(where) > _LISTED:
        found.append(Problem(location, f"{message} ({len(where) - _LISTED:,} more like this)"))
    return found


def _column(
    location: str, value: object, kind: str, length: int | None, problems: list[Problem]
) -> npt.NDArray[np.generic] | None:
    """``value`` as a 1-D numpy array of the wanted kind, or None with the problem recorded."""
    array = np.asarray(value)
    expected = "whole UTC seconds (integers)" if kind == "i" else "numbers (metres)"
    if array.ndim != 1:
        problems.append(Problem(location, f"must be a one-dimensional array, got {array.ndim}-D"))
        return None
    if array.dtype.kind not in ("iu" if kind == "i" else "iuf"):
        problems.append(Problem(location, f"must hold {expected}, got dtype {array.dtype}"))
        return None
    if length is not None and len(array) != length:
        problems.append(Problem(location, f"has {len(array):,} values, expected {length:,}"))
        return None
    return array


def _times(location: str, values: Int64Array, problems: list[Problem]) -> None:
    # Two reductions decide; the element-wise test runs only to name the bad values.
    if len(values) and (values.min() < MIN_TIME or values.max() >= MAX_TIME):
        bad = (values < MIN_TIME) | (values >= MAX_TIME)
        problems.extend(_listed(location, bad, "must be a UTC second between years 1 and 9999"))


def check_events(events: EventColumns) -> CheckedEvents:
    """The events' columns as float64/int64 arrays; InvalidInput naming each bad field."""
    problems: list[Problem] = []
    x = _column("events.x", events.x, "f", None, problems)
    n = None if x is None else len(x)
    y = _column("events.y", events.y, "f", n, problems)
    t_lo = _column("events.t_lo", events.t_lo, "i", n, problems)
    t_hi = _column("events.t_hi", events.t_hi, "i", n, problems)
    radius = _column("events.radius", events.radius, "f", n, problems)
    if x is None or y is None or t_lo is None or t_hi is None or radius is None:
        raise InvalidInput(problems)
    fx, fy = x.astype(np.float64, copy=False), y.astype(np.float64, copy=False)
    lo, hi = t_lo.astype(np.int64, copy=False), t_hi.astype(np.int64, copy=False)
    r = radius.astype(np.float64, copy=False)
    for location, coords in (("events.x", fx), ("events.y", fy)):
        # A finite sum means finite values (NaN and infinities propagate); an infinite sum
        # of finite values is possible, and then the element-wise test finds nothing.
        if not np.isfinite(np.sum(coords)) and not np.isfinite(coords).all():
            problems.extend(_listed(location, ~np.isfinite(coords), "must be a finite number"))
    _times("events.t_lo", lo, problems)
    _times("events.t_hi", hi, problems)
    if (hi <= lo).any():
        message = "must be after t_lo (the span is [t_lo, t_hi), at least one second)"
        problems.extend(_listed("events.t_hi", hi <= lo, message))
    # NaN fails both comparisons.
    if len(r) and not (r.min() >= 0 and r.max() <= MAX_RADIUS):
        message = f"must be a distance from 0 to {MAX_RADIUS:,.0f} metres"
        problems.extend(_listed("events.radius", ~((r >= 0) & (r <= MAX_RADIUS)), message))
    if problems:
        raise InvalidInput(problems)
    return CheckedEvents(fx, fy, lo, hi, r)


def _zone_problems(zones: Sequence[object]) -> tuple[ObjectArray, list[Problem]]:
    geoms = np.empty(len(zones), dtype=object)
    geoms[:] = list(zones)
    problems: list[Problem] = []
    for i, geom in enumerate(geoms.tolist()):
        if not isinstance(geom, BaseGeometry):
            problems.append(Problem(f"rows.zones[{i}]", f"must be a geometry, got {type(geom)}"))
    if problems:
        return geoms, problems
    kinds = shapely.get_type_id(geoms)
    for i in np.flatnonzero(~np.isin(kinds, _POLYGONAL)).tolist():
        kind = geoms[i].geom_type
        problems.append(
            Problem(f"rows.zones[{i}]", f"must be a Polygon or MultiPolygon, got {kind}")
        )
    polygonal = np.isin(kinds, _POLYGONAL)
    empty = polygonal & shapely.is_empty(geoms)
    problems.extend(Problem(f"rows.zones[{i}]", "is empty") for i in np.flatnonzero(empty).tolist())
    candidates = np.flatnonzero(polygonal & ~empty)
    valid = shapely.is_valid(geoms[candidates])
    for i in candidates[~valid].tolist():
        reason = shapely.is_valid_reason(geoms[i])
        problems.append(Problem(f"rows.zones[{i}]", f"is not a valid polygon: {reason}"))
    bounds = shapely.bounds(geoms[candidates[valid]])
    far = np.flatnonzero(~(np.abs(bounds) <= MAX_COORDINATE).all(axis=1))
    for i in candidates[valid][far].tolist():
        message = f"has coordinates beyond {MAX_COORDINATE:.0e} m: not a local metric frame"
        problems.append(Problem(f"rows.zones[{i}]", message))
    return geoms, problems


def check_rows(rows: ZoneWindows) -> CheckedRows:
    """The rows' columns checked against each other and their zones; InvalidInput otherwise."""
    geoms, problems = _zone_problems(rows.zones)
    zone = _column("rows.zone", rows.zone, "i", None, problems)
    n = None if zone is None else len(zone)
    start = _column("rows.start", rows.start, "i", n, problems)
    end = _column("rows.end", rows.end, "i", n, problems)
    if zone is None or start is None or end is None:
        raise InvalidInput(problems)
    z = zone.astype(np.int64, copy=False)
    s, e = start.astype(np.int64, copy=False), end.astype(np.int64, copy=False)
    out_of_range = (z < 0) | (z >= len(geoms))
    if out_of_range.any():
        message = (
            f"must index rows.zones (0 to {len(geoms) - 1})"
            if len(geoms)
            else ("must index rows.zones, which is empty")
        )
        problems.extend(_listed("rows.zone", out_of_range, message))
    if len(z) >= 2**28:
        problems.append(Problem("rows", f"at most {2**28 - 1:,} rows, got {len(z):,}"))
    _times("rows.start", s, problems)
    _times("rows.end", e, problems)
    if (e <= s).any():
        problems.extend(_listed("rows.end", e <= s, "must be after start"))
    if problems:
        raise InvalidInput(problems)
    return CheckedRows(geoms, z, s, e)
