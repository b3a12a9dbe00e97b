"""Which cells of a grid each zone touches, and which lie strictly inside it.

Testing every cell of a zone's bounding box against the zone (one shapely box per cell) costs
what the box costs: a 400 km corridor drawn diagonally has thousands of cells in its box and
only a thin band on it. Here the zone's boundary is cut into pieces shorter than half a cell
(``shapely.segmentize``) and every cell within one cell of a boundary vertex is an *edge
candidate*. Every boundary point then lies within a quarter cell of a vertex, so a cell that is
not a candidate has no boundary point anywhere in its closed box: it is wholly inside or wholly
outside the zone, and its centre says which (one ``contains_xy``, no box). Only the candidates
are tested exactly, with a box: ``intersects`` (the cell touches the zone) and
``contains_properly`` (the closed cell is interior, so every point in it is covered). A
compact zone ten cells across has more candidates than cells, and is simply tested cell by
cell.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
GeomArray = npt.NDArray[np.object_]

#: Cells considered at once (bounds the memory of a build, not its answers).
CHUNK_CELLS = 262_144
_NEIGHBOURS = [(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


@dataclass(frozen=True, slots=True)
class Frame:
    """A grid: origin, cell side and cells per row."""

    x0: float
    y0: float
    cell: float
    nx: int

    def column(self, x: FloatArray) -> IntArray:
        return np.floor((x - self.x0) / self.cell).astype(np.int64)

    def row(self, y: FloatArray) -> IntArray:
        return np.floor((y - self.y0) / self.cell).astype(np.int64)


def touched_cells(
    geoms: GeomArray, bounds: FloatArray, frame: Frame
) -> tuple[IntArray, IntArray, BoolArray]:
    """(zone position in ``geoms``, cell number, cell strictly inside) for every touched cell."""
    ix0, iy0 = frame.column(bounds[:, 0]), frame.row(bounds[:, 1])
    wx = frame.column(bounds[:, 2]) - ix0 + 1
    wy = frame.row(bounds[:, 3]) - iy0 + 1
    per = wx * wy
    outlines = shapely.segmentize(shapely.boundary(geoms), frame.cell / 2)
    # Guided by the outline only where that is clearly cheaper: the candidates (a band about
    # three cells wide, some 1.5 per outline vertex) are well under the box's cells. A compact
    # zone ten cells across has as many; a long diagonal corridor has far fewer.
    guided = 4 * shapely.get_num_coordinates(outlines) < per
    parts = []
    for subset, guide in ((np.flatnonzero(~guided), None), (np.flatnonzero(guided), outlines)):
        for c in _chunks(per[subset]):
            which = subset[c]
            parts.append(
                _touched(
                    geoms[which],
                    ix0[which],
                    iy0[which],
                    wx[which],
                    per[which],
                    frame,
                    which,
                    None if guide is None else guide[which],
                )
            )
    zones = np.concatenate([p[0] for p in parts])
    cells = np.concatenate([p[1] for p in parts])
    full = np.concatenate([p[2] for p in parts])
    order = np.argsort(zones, kind="stable")  # zone order, as the caller's arrays are
    return zones[order], cells[order], full[order]


def _touched(
    geoms: GeomArray,
    ix0: IntArray,
    iy0: IntArray,
    wx: IntArray,
    per: IntArray,
    frame: Frame,
    positions: IntArray,
    outlines: GeomArray | None,
) -> tuple[IntArray, IntArray, BoolArray]:
    local = np.repeat(np.arange(len(geoms), dtype=np.int64), per)
    k = np.arange(int(per.sum()), dtype=np.int64) - np.repeat(np.cumsum(per) - per, per)
    ix = np.repeat(ix0, per) + k % np.repeat(wx, per)
    iy = np.repeat(iy0, per) + k // np.repeat(wx, per)
    if outlines is None:
        edge = np.ones(len(local), dtype=bool)  # every cell tested exactly
    else:
        # Keys unique per (zone, column, row) within the chunk; the +1s keep the neighbours
        # of column 0 or row 0 from wrapping onto another cell.
        stride_x = int(ix.max()) + 3
        stride_zone = stride_x * (int(iy.max()) + 3)
        keys = local * stride_zone + (iy + 1) * stride_x + (ix + 1)
        edge = np.isin(keys, _edge_keys(outlines, frame, stride_x, stride_zone))

    full = np.zeros(len(local), dtype=bool)
    touching = np.zeros(len(local), dtype=bool)
    inner = np.flatnonzero(~edge)
    if len(inner):
        cx = frame.x0 + (ix[inner] + 0.5) * frame.cell
        cy = frame.y0 + (iy[inner] + 0.5) * frame.cell
        inside = shapely.contains_xy(geoms[local[inner]], cx, cy)
        full[inner] = inside
        touching[inner] = inside
    exact = np.flatnonzero(edge)
    if len(exact):
        x = frame.x0 + ix[exact] * frame.cell
        y = frame.y0 + iy[exact] * frame.cell
        boxes = shapely.box(x, y, x + frame.cell, y + frame.cell)
        zone_geoms = geoms[local[exact]]
        hit = shapely.intersects(zone_geoms, boxes)
        touching[exact] = hit
        full[exact[hit]] = shapely.contains_properly(zone_geoms[hit], boxes[hit])
    kept = np.flatnonzero(touching)
    return positions[local[kept]], iy[kept] * frame.nx + ix[kept], full[kept]


def _edge_keys(outlines: GeomArray, frame: Frame, stride_x: int, stride_zone: int) -> IntArray:
    coords, which = shapely.get_coordinates(outlines, return_index=True)
    ex, ey = frame.column(coords[:, 0]), frame.row(coords[:, 1])
    base = which.astype(np.int64) * stride_zone + (ey + 1) * stride_x + (ex + 1)
    return np.unique(np.concatenate([base + dy * stride_x + dx for dx, dy in _NEIGHBOURS]))


def _chunks(per: IntArray) -> list[slice]:
    """Consecutive zone ranges with about ``CHUNK_CELLS`` cells each (one zone at least)."""
    if not len(per):
        return []
    ends = np.cumsum(per)
    cuts = np.searchsorted(ends, np.arange(CHUNK_CELLS, int(ends[-1]), CHUNK_CELLS)) + 1
    edges = sorted({0, *cuts.tolist(), len(per)})
    return [slice(a, b) for a, b in itertools.pairwise(edges) if b > a]


__all__ = ["Frame", "touched_cells"]
