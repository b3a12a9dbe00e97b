"""The exact place test for (point, zone) pairs in boundary cells, vectorised over pairs x edges.

Inside-ness is the parity of the boundary crossings of a horizontal ray from the point (GEOS's
RayCrossingCounter rule: an edge counts when one end is above the point and the other not,
and the point is strictly left of it). Only the edges of the point's run are counted; the
cell after the run says whether the ray, beyond it, crosses an odd number more (see
``_join_geom``). Whether a point is left of an edge is the sign of a 2x2 determinant, trusted
only when its magnitude beats Shewchuk's error bound for that very expression, which makes
it the exact sign. A pair where any edge of its run leaves the sign in doubt (every point
exactly on the boundary among them) is handed to shapely, which defines the join and is
then the judge. With a radius, point-segment distances follow GEOS's formula step by step,
and a distance within rounding of the radius also goes to shapely.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.compliance.frame import OVERLAPS, WITHIN, Float64Array, Int64Array
from respite.compliance.join.geom import Runs

ObjectArray = npt.NDArray[np.object_]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

#: Shewchuk's ccwerrboundA: |det| above this times (|left| + |right|) has the exact sign.
_ORIENT_BOUND = (3.0 + 16.0 * 2.0**-53) * 2.0**-53
#: Distances are compared with the radius only when farther apart than this (relative to the
#: coordinates): far above the error of the few roundings in a point-segment distance.
_DIST_TOL = 1e-11
#: Pair x edge items handled at once, to bound memory and stay in cache.
_BLOCK = 1 << 17


def place(
    runs: Runs,
    run: Int64Array,
    px: Float64Array,
    py: Float64Array,
    radius: Float64Array | None,
    judge: Judge,
    zone: Int64Array,
) -> Int8Array:
    """WITHIN, OVERLAPS or 0 for each pair (point i, the zone of run ``run[i]``), the point
    lying in a cell of that run."""
    out = np.empty(len(run), dtype=np.int8)
    doubt = np.empty(len(run), dtype=bool)
    info = np.take(runs.info, run)
    after = info & 1
    info >>= 1
    count = info & ((1 << runs.bits) - 1)
    info >>= runs.bits
    ends = np.cumsum(count)
    lo = 0
    while lo < len(run):
        # Blocks of whole pairs of about _BLOCK items.
        hi = int(np.searchsorted(ends, ends[lo] - count[lo] + _BLOCK, side="right"))
        hi = max(hi, lo + 1)
        part = slice(lo, hi)
        r = None if radius is None else radius[part]
        out[part], doubt[part] = _block(
            runs, info[part], count[part], after[part], px[part], py[part], r
        )
        lo = hi
    if doubt.any():
        where = np.flatnonzero(doubt)
        r = np.zeros(len(where)) if radius is None else radius[where]
        out[where] = judge.place(zone[where], px[where], py[where], r)
    return out


def _block(
    runs: Runs,
    first: Int64Array,
    count: Int64Array,
    after: Int64Array,
    px: Float64Array,
    py: Float64Array,
    radius: Float64Array | None,
) -> tuple[Int8Array, BoolArray]:
    ends = np.cumsum(count)
    # One np.repeat (which holds the GIL), the rest as takes (which do not).
    pair = np.repeat(np.arange(len(count), dtype=np.int64), count)
    idx = np.take(first - ends + count, pair)
    idx += np.arange(len(idx), dtype=np.int64)
    edges = np.take(runs.edges, idx, axis=0)
    del idx
    ax, ay, bx, by = edges[:, 0], edges[:, 1], edges[:, 2], edges[:, 3]
    pxr = np.take(px, pair)
    pyr = np.take(py, pair)
    del pair
    qx = pxr - ax
    qy = pyr - ay
    dx = bx - ax
    dy = by - ay
    left = dx * qy
    right = dy * qx
    det = left - right
    # The sign of det is exact when |det| beats the error bound; computing the bound only
    # where det is small against a bound valid for every item keeps this pass cheap.
    unsure = np.abs(det) <= runs.orient_bound
    if unsure.any():
        near = np.flatnonzero(unsure)
        bound = (np.abs(left[near]) + np.abs(right[near])) * _ORIENT_BOUND
        unsure[near] = np.abs(det[near]) <= bound
    del left, right
    above_b = by > pyr
    crossing = ay > pyr
    crossing ^= above_b
    crossing &= (det > 0) == above_b
    # Per pair, the number of crossings (low half) and of unsure signs (high half), as
    # differences of one running sum (cheaper than reduceat on short segments).
    tally = unsure.astype(np.int64)
    tally <<= 32
    tally |= crossing
    np.cumsum(tally, out=tally)
    total = np.take(tally, ends - 1)
    total[1:] -= np.take(tally, ends[:-1] - 1)
    parity = (total ^ after) & 1
    doubt = (total >> 32) > 0
    if radius is None:
        return parity.astype(np.int8) * np.int8(WITHIN), doubt
    starts = ends - count
    nearest = np.minimum.reduceat(_distance(qx, qy, dx, dy, pxr - bx, pyr - by, det), starts)
    tolerance = _DIST_TOL * (np.abs(px) + np.abs(py) + radius + runs.scale)
    doubt |= np.abs(nearest - radius) <= tolerance
    inside = parity.astype(bool)
    result = np.where(
        inside,
        np.where(nearest >= radius, WITHIN, OVERLAPS),
        np.where(nearest <= radius, OVERLAPS, 0),
    ).astype(np.int8)
    return result, doubt


def _distance(
    qx: Float64Array,
    qy: Float64Array,
    dx: Float64Array,
    dy: Float64Array,
    rx: Float64Array,
    ry: Float64Array,
    det: Float64Array,
) -> Float64Array:
    """GEOS ``Distance::pointToSegment`` for point p, segment a -> b: q = p - a, r = p - b,
    d = b - a, det = d x q (the same roundings as GEOS, so normally the same bits)."""
    len2 = dx * dx + dy * dy
    t = (qx * dx + qy * dy) / len2
    perp = np.abs(det) / len2 * np.sqrt(len2)
    to_a = np.sqrt(qx * qx + qy * qy)
    to_b = np.sqrt(rx * rx + ry * ry)
    return np.where(t <= 0, to_a, np.where(t >= 1, to_b, perp))


class Judge:
    """Shapely's verdict for pairs the vectorised test leaves in doubt (the join's definition,
    applied literally as the oracle in the tests applies it)."""

    def __init__(self, geoms: ObjectArray) -> None:
        self._geoms = geoms
        self._boundaries: dict[int, BaseGeometry] = {}

    def place(
        self, zone: Int64Array, x: Float64Array, y: Float64Array, radius: Float64Array
    ) -> Int8Array:
        geoms = self._geoms[zone]
        points = shapely.points(x, y)
        near = shapely.distance(geoms, points) <= radius
        inside = shapely.contains(geoms, points)
        out = np.where(near, OVERLAPS, 0).astype(np.int8)
        check = near & inside
        if check.any():
            where = np.flatnonzero(check)
            bounds = np.empty(len(where), dtype=object)
            bounds[:] = [self._boundary(int(z)) for z in zone[where]]
            far = shapely.distance(bounds, points[where]) >= radius[where]
            out[where[far]] = WITHIN
        return out

    def _boundary(self, zone: int) -> BaseGeometry:
        found = self._boundaries.get(zone)
        if found is None:
            found = self._boundaries[zone] = self._geoms[zone].boundary
        return found
