"""The columnar shapes the join engine reads and writes.

Everything is in one planar metric frame (metres; :class:`respite.geometry.LocalProjection`
for real data) and UTC seconds, so that a predicate means the same in every engine that is
compared with ours (shapely, geopandas, DuckDB, PostGIS on the same planar coordinates).

Semantics, per (event, zone-window row):

* time: ``WITHIN`` when ``start <= t_lo and t_hi <= end``; ``OVERLAPS`` when
  ``t_lo < end and t_hi > start`` but not within; else no pair.
* place, for the disc of ``radius`` around ``(x, y)``: ``WITHIN`` when the point is in the
  zone's interior (shapely ``contains``) and its distance to the zone's boundary is
  ``>= radius``; ``OVERLAPS`` when the distance from the point to the zone is ``<= radius``
  (shapely ``distance(zone, point) <= radius``; for radius 0 a point on the boundary) but not
  within; else no pair.
* class: ``INSIDE`` when both are within, ``POSSIBLY`` otherwise. Outside pairs are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from shapely.geometry.base import BaseGeometry

Float64Array = npt.NDArray[np.float64]
Int64Array = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]

WITHIN = 2
OVERLAPS = 1
INSIDE = 2
POSSIBLY = 1


@dataclass(frozen=True, slots=True)
class EventColumns:
    """Events as parallel arrays (one row per event), already in the metric frame."""

    x: Float64Array
    y: Float64Array
    t_lo: Int64Array  # UTC seconds, inclusive
    t_hi: Int64Array  # UTC seconds, exclusive; t_hi > t_lo
    radius: Float64Array  # metres, >= 0

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True, slots=True)
class ZoneWindows:
    """Zone-window rows: row ``i`` is zone ``zones[zone[i]]`` during ``[start[i], end[i])``.

    Zones are Polygon or MultiPolygon (holes allowed) in the same metric frame as the events.
    """

    zones: tuple[BaseGeometry, ...]
    zone: Int32Array
    start: Int64Array
    end: Int64Array

    def __len__(self) -> int:
        return len(self.zone)


@dataclass(frozen=True, slots=True)
class Pairs:
    """Every (event, row) pair that is not outside, sorted by event then row."""

    event: Int64Array
    row: Int64Array
    time: Int8Array  # WITHIN or OVERLAPS
    place: Int8Array  # WITHIN or OVERLAPS

    def __len__(self) -> int:
        return len(self.event)

    def take(self, index: Int64Array) -> Pairs:
        """The pairs at ``index`` (kept sorted if ``index`` is)."""
        return Pairs(self.event[index], self.row[index], self.time[index], self.place[index])

    @property
    def klass(self) -> Int8Array:
        """Computed on each access: read it once into a local before a loop."""
        inside = (self.time == WITHIN) & (self.place == WITHIN)
        return np.where(inside, INSIDE, POSSIBLY).astype(np.int8)
