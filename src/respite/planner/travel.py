"""Travel between the problem's places: distances, paths, and which legs stay under cover.

The graph's nodes are the problem's places plus the road vertices; its edges are the roads
(their own length) and straight off-road links of at most ``RoadNetwork.link_km`` between
places, from a place to the nearest vertex of each road, and between road ends (each
``detour`` times its straight length, since the shipped road data holds only the main roads).
A given :class:`TravelMatrix` replaces the graph: its legs are drawn and checked for cover as
straight lines.

Cover: a vehicle may only be on a stretch inside ``cover_needed`` while an open window's zone
covers it. For a set of open zones, every edge that leaves them inside ``cover_needed`` for
more than ``_SLACK_M`` (numerical noise on shared borders) is removed and the shortest paths
are recomputed, so a planned leg is covered end to end for as long as those windows are open:
what :func:`respite.engine.route.check_route` asks of a journey, and what the tests check
with it. Shortest paths are all-pairs Floyd-Warshall in numpy (a few hundred nodes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from respite.errors import InvalidInput, Problem
from respite.geometry.metric import LocalProjection
from respite.planner.model import PlanningProblem, RoadNetwork, TravelMatrix

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: uncovered length (m) an edge may have inside the area needing cover: shared-border noise
_SLACK_M = 25.0
#: road vertices closer than this (m) are merged by simplification
_ROAD_SIMPLIFY_M = 50.0


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    lon: float
    lat: float


def places_of(problem: PlanningProblem) -> tuple[Place, ...]:
    """Depots, destinations, evacuation pick-ups, then their drop-offs (``<id>:to``)."""
    return (
        *(Place(d.id, d.name, d.lon, d.lat) for d in problem.depots),
        *(Place(d.id, d.name, d.lon, d.lat) for d in problem.destinations),
        *(Place(e.id, e.name, e.lon, e.lat) for e in problem.evacuations),
        *(Place(f"{e.id}:to", e.to_name, e.to_lon, e.to_lat) for e in problem.evacuations),
    )


@dataclass(slots=True)
class Legs:
    """Shortest covered travel between places for one set of open zones."""

    km: FloatArray  # places x places, inf where no covered path exists
    _hops: IntArray  # nodes x nodes next hop (-1 none)
    _nodes_lonlat: FloatArray

    def path(self, i: int, j: int) -> list[tuple[float, float]]:
        """The lon/lat polyline of the leg from place ``i`` to place ``j``."""
        if i == j or not np.isfinite(self.km[i, j]):
            return [tuple(self._nodes_lonlat[i])] if i == j else []
        nodes = [i]
        while nodes[-1] != j:
            nodes.append(int(self._hops[nodes[-1], j]))
        return [(float(x), float(y)) for x, y in self._nodes_lonlat[nodes]]


@dataclass(slots=True)
class Travel:
    """The graph of a problem, and its covered shortest paths per set of open zones."""

    places: tuple[Place, ...]
    projection: LocalProjection
    _edges: list[tuple[int, int, float]]  # (node, node, metres)
    _segments: npt.NDArray[np.object_]  # metric LineString per edge
    _nodes_lonlat: FloatArray
    _cover_needed: BaseGeometry | None
    _directed: bool
    _cache: dict[tuple[str, ...], Legs] = field(default_factory=dict)
    _by_zone: dict[bytes, Legs] = field(default_factory=dict)

    @classmethod
    def of(cls, problem: PlanningProblem) -> Travel:
        places = places_of(problem)
        lonlat = np.array([(p.lon, p.lat) for p in places], dtype=np.float64)
        projection = LocalProjection.at(float(lonlat[:, 0].mean()), float(lonlat[:, 1].mean()))
        cover = None if problem.cover_needed is None else projection.to_metric(problem.cover_needed)
        if isinstance(problem.travel, TravelMatrix):
            nodes, edges = _matrix_graph(problem.travel, places, projection)
        else:
            nodes, edges = _road_graph(problem.travel, lonlat, projection)
        xy = np.column_stack(projection.xy_to_metric(nodes[:, 0], nodes[:, 1]))
        segments = shapely.linestrings(
            np.stack([xy[[a for a, _, _ in edges]], xy[[b for _, b, _ in edges]]], axis=1)
        )
        directed = isinstance(problem.travel, TravelMatrix)
        travel = cls(places, projection, edges, segments, nodes, cover, directed)
        travel._check_reachable(problem)
        return travel

    def legs(self, key: tuple[str, ...], zone: BaseGeometry | None) -> Legs:
        """Covered legs while the windows named by ``key`` (whose zones union to ``zone``,
        lon/lat; None = everywhere) are open."""
        if key not in self._cache:
            # windows on other days of the same zone share one computation
            same = b"" if zone is None else shapely.to_wkb(zone)
            if same not in self._by_zone:
                self._by_zone[same] = self._shortest(self._allowed(zone))
            self._cache[key] = self._by_zone[same]
        return self._cache[key]

    def _allowed(self, zone: BaseGeometry | None) -> npt.NDArray[np.bool_]:
        if zone is None:
            return np.ones(len(self._edges), dtype=bool)
        metric_zone = self.projection.to_metric(zone)
        shapely.prepare(metric_zone)
        allowed = np.asarray(shapely.covered_by(self._segments, metric_zone))
        doubt = np.nonzero(~allowed)[0]  # measure only the edges not plainly inside
        outside = shapely.difference(self._segments[doubt], metric_zone)
        if self._cover_needed is not None:
            outside = shapely.intersection(outside, self._cover_needed)
        allowed[doubt] = shapely.length(outside) <= _SLACK_M
        return allowed

    def _shortest(self, allowed: npt.NDArray[np.bool_]) -> Legs:
        size = len(self._nodes_lonlat)
        dist = np.full((size, size), np.inf)
        np.fill_diagonal(dist, 0.0)
        hops = np.full((size, size), -1, dtype=np.int64)
        for (a, b, metres), ok in zip(self._edges, allowed, strict=True):
            if ok and metres < dist[a, b]:
                dist[a, b], hops[a, b] = metres, b
                if not self._directed:
                    dist[b, a], hops[b, a] = metres, a
        for k in range(size):
            through = dist[:, k, None] + dist[None, k, :]
            better = through < dist
            dist = np.where(better, through, dist)
            hops = np.where(better, hops[:, k, None], hops)
        count = len(self.places)
        return Legs(dist[:count, :count] / 1000.0, hops, self._nodes_lonlat)

    def _check_reachable(self, problem: PlanningProblem) -> None:
        free = self._shortest(np.ones(len(self._edges), dtype=bool)).km
        depots = range(len(problem.depots))
        found: list[Problem] = []
        for index, place in enumerate(self.places[len(problem.depots) :]):
            row = len(problem.depots) + index
            if not any(np.isfinite(free[d, row]) for d in depots):
                found.append(
                    Problem(
                        _where(problem, place.id),
                        "unreachable: no road or off-road link connects it to any depot",
                    )
                )
        if found:
            raise InvalidInput(found)


def _where(problem: PlanningProblem, place_id: str) -> str:
    for index, place in enumerate(problem.destinations):
        if place.id == place_id:
            return f"destinations[{index}] ({place_id})"
    for index, group in enumerate(problem.evacuations):
        if place_id in (group.id, f"{group.id}:to"):
            suffix = ".to" if place_id.endswith(":to") else ""
            return f"evacuations[{index}] ({group.id}){suffix}"
    return place_id


def _matrix_graph(
    matrix: TravelMatrix, places: tuple[Place, ...], projection: LocalProjection
) -> tuple[FloatArray, list[tuple[int, int, float]]]:
    del projection
    row = {item_id: i for i, item_id in enumerate(matrix.ids)}
    nodes = np.array([(p.lon, p.lat) for p in places], dtype=np.float64)
    edges = []
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            value = matrix.km[row[a.id]][row[b.id]]
            if i != j and value is not None:
                edges.append((i, j, float(value) * 1000.0))
    return nodes, edges


def _road_graph(
    network: RoadNetwork, lonlat: FloatArray, projection: LocalProjection
) -> tuple[FloatArray, list[tuple[int, int, float]]]:
    places_xy = np.column_stack(projection.xy_to_metric(lonlat[:, 0], lonlat[:, 1]))
    limit = network.link_km * 1000.0
    nodes_xy = [places_xy]
    edges: list[tuple[int, int, float]] = []

    def link(a: int, b: int, metres: float) -> None:
        if 0 < metres <= limit:
            edges.append((a, b, metres * network.detour))

    gaps = np.hypot(*(places_xy[:, None, :] - places_xy[None, :, :]).transpose(2, 0, 1))
    for i in range(len(places_xy)):
        for j in range(i + 1, len(places_xy)):
            link(i, j, float(gaps[i, j]))
    offset = len(places_xy)
    road_ranges: list[tuple[int, int]] = []
    for road in network.roads:
        metric = shapely.simplify(projection.to_metric(road), _ROAD_SIMPLIFY_M)
        for line in getattr(metric, "geoms", [metric]):
            xy = np.asarray(line.coords, dtype=np.float64)[:, :2]
            first = offset
            for k in range(len(xy) - 1):
                edges.append((offset + k, offset + k + 1, float(np.hypot(*(xy[k + 1] - xy[k])))))
            nodes_xy.append(xy)
            offset += len(xy)
            road_ranges.append((first, offset))
    all_xy = np.concatenate(nodes_xy)
    for first, stop in road_ranges:
        vertex_xy = all_xy[first:stop]
        for i, point in enumerate(places_xy):
            gaps_to_road = np.hypot(*(vertex_xy - point).T)
            nearest = int(np.argmin(gaps_to_road))
            link(i, first + nearest, float(gaps_to_road[nearest]))
        for end in (first, stop - 1):
            for other_first, other_stop in road_ranges:
                if other_first == first:
                    continue
                gaps_to_other = np.hypot(*(all_xy[other_first:other_stop] - all_xy[end]).T)
                nearest = int(np.argmin(gaps_to_other))
                link(end, other_first + nearest, float(gaps_to_other[nearest]))
    back = projection.to_lonlat(shapely.multipoints(all_xy))
    nodes = np.asarray(shapely.get_coordinates(back), dtype=np.float64)
    nodes[: len(lonlat)] = lonlat  # exact input positions for the places
    return nodes, edges
