"""Worked planning problems on the bundled data: the done-when scenarios and the benchmark.

* :func:`polio_round_1`: Sep 2024, three zones open 06:00-15:00 on consecutive days (a fourth,
  optional day with ``days=4``); mobile teams based at the shipped hospitals (in a zone with
  no shipped hospital, at its first three clinics) vaccinate at the other clinics and the
  populated places of their zone. Each zone's target (from the scenario) is shared evenly
  between its sites; a team carries doses for 700 children a day and takes 30 s a child,
  and the campaign's 295 teams are shared between zones by target.
* :func:`truce_day`: 24 Nov 2023, the truce's first day; trucks through Kerem Shalom and
  Rafah (open 08:00-16:00, 12 and 13 trucks an hour: 200 a day) to the 22 shipped places,
  demand by population.
* :func:`pause_week`: the benchmark's realistic week: a daily 4-hour window over the whole
  Strip for 7 days, 200 trucks a day through Kerem Shalom and Rafah, 40 destinations and 3
  medical evacuations to Rafah.

The figures that are not in the sources (teams' doses, truck loads, demands) are stated
here and are assumptions, not reported facts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import shapely

from respite.geometry import AreaCatalogue
from respite.planner.from_pauses import windows_of
from respite.planner.model import (
    Cargo,
    Depot,
    Destination,
    Evacuation,
    PlanningProblem,
    RoadNetwork,
    VehicleKind,
    Window,
)
from respite.scenarios import load_scenario

TEAMS = 295
DOSES_PER_TEAM_DAY = 700
_ZONES = {"central": ("PS0265",), "south": ("PS0270", "PS0275"), "north": ("PS0255", "PS0260")}


@cache
def health_facilities() -> tuple[dict[str, Any], ...]:
    """The shipped hospitals and clinics (properties plus ``lon``, ``lat``)."""
    path = resources.files("respite") / "data" / "gaza" / "health_facilities.geojson"
    features = json.loads(path.read_bytes())["features"]
    return tuple(
        {
            **f["properties"],
            "lon": f["geometry"]["coordinates"][0],
            "lat": f["geometry"]["coordinates"][1],
        }
        for f in features
    )


def _roads(catalogue: AreaCatalogue) -> RoadNetwork:
    return RoadNetwork(roads=tuple(r.geometry for r in catalogue.roads()))


def polio_round_1(days: int = 3, *, teams: int = TEAMS) -> PlanningProblem:
    """The polio round 1 problem (see the module docstring)."""
    catalogue = AreaCatalogue.bundled()
    pause = next(p for p in load_scenario() if p.id == "polio-round-1-2024-09")
    targets = {o.part: o.target for o in pause.spec.objectives if o.part and o.target}
    first = datetime(2024, 8, 31, tzinfo=UTC)
    windows = [
        w
        for w in windows_of([pause], first, first + timedelta(days=14))
        if _day_of(w, pause.timezone) < days
    ]
    depots: list[Depot] = []
    sites: list[Destination] = []
    kinds: list[VehicleKind] = []
    total = sum(targets.values())
    for zone, pcodes in _ZONES.items():
        here = [f for f in health_facilities() if f["pcode"] in pcodes]
        bases = [f for f in here if f["amenity"] == "hospital"] or [
            f for f in here if f["amenity"] == "clinic"
        ][:3]
        base_ids = [f["osm"] for f in bases]
        depots += [
            Depot(f["osm"], f["name_en"] or f["name"], f["lon"], f["lat"], kind="base")
            for f in bases
        ]
        area = shapely.union_all([catalogue.governorate(p).geometry for p in pcodes])
        places = [
            (p.ref, p.name_en, p.geometry.x, p.geometry.y)
            for p in catalogue.places("gaza")
            if area.contains(p.geometry)
        ]
        places += [
            (f["osm"], f["name_en"] or f["name"], f["lon"], f["lat"])
            for f in here
            if f["osm"] not in base_ids
        ]
        target = int(targets[zone])
        for index, (ref, name, lon, lat) in enumerate(places):
            share = target // len(places) + (1 if index < target % len(places) else 0)
            sites.append(
                Destination(
                    ref,
                    name,
                    lon,
                    lat,
                    demand=share,
                    priority=1,
                    service_minutes=15,
                    minutes_per_unit=0.5,
                )
            )
        kinds.append(
            VehicleKind(
                f"team-{zone}",
                Cargo.GOODS,
                DOSES_PER_TEAM_DAY,
                round(teams * target / total),
                25.0,
                tuple(base_ids),
            )
        )
    return PlanningProblem(
        name=f"polio round 1, Sep 2024 ({days} days per zone)",
        timezone=pause.timezone,
        now=windows[0].start - timedelta(days=1),
        depots=tuple(depots),
        vehicles=tuple(kinds),
        windows=tuple(windows),
        destinations=tuple(sites),
        travel=_roads(catalogue),
        cover_needed=catalogue.strip(),
    )


def _day_of(window: Window, timezone: str) -> int:
    """0 for a part's first day, 1 for its second..."""
    local = window.start.astimezone(ZoneInfo(timezone)).date()
    firsts = {"central": 1, "south": 5, "north": 9}
    return local.day - firsts[window.part_id]


def _crossings(
    catalogue: AreaCatalogue, rates: dict[str, int], opening: tuple[time, time]
) -> list[Depot]:
    out = []
    for ref, rate in rates.items():
        point = catalogue.crossing(ref)
        out.append(
            Depot(
                point.ref,
                point.name_en,
                point.geometry.x,
                point.geometry.y,
                throughput_per_hour=rate,
                opening=(opening,),
            )
        )
    return out


def truce_day(*, trucks: int = 260) -> PlanningProblem:
    """The truce's first day: trucks through Kerem Shalom and Rafah to the shipped places."""
    catalogue = AreaCatalogue.bundled()
    truce = next(p for p in load_scenario() if p.id == "truce-2023-11-24")
    day = datetime(2023, 11, 24, 5, 0, tzinfo=UTC)  # 07:00 in Gaza
    windows = windows_of([truce], day, day + timedelta(days=1))
    depots = _crossings(catalogue, {"kerem-shalom": 12, "rafah": 13}, (time(8), time(16)))
    places = catalogue.places("gaza")
    destinations = tuple(
        Destination(
            p.ref,
            p.name_en,
            p.geometry.x,
            p.geometry.y,
            demand=max(20, (p.population or 5000) // 1000),
            priority=2 if p.population else 3,
        )
        for p in places
    )
    return PlanningProblem(
        name="truce day 1, 24 Nov 2023",
        timezone=truce.timezone,
        now=day - timedelta(hours=12),
        depots=tuple(depots),
        vehicles=(VehicleKind("truck", Cargo.GOODS, 20, trucks, 30.0, ("kerem-shalom", "rafah")),),
        windows=windows,
        destinations=destinations,
        travel=_roads(catalogue),
        cover_needed=catalogue.strip(),
    )


def pause_week(*, days: int = 7, destinations: int = 40) -> PlanningProblem:
    """The benchmark week (see the module docstring); every figure is an assumption."""
    catalogue = AreaCatalogue.bundled()
    start = datetime(2030, 3, 4, 8, 0, tzinfo=UTC)  # 10:00 in Gaza
    windows = tuple(
        Window(f"week/day-{d + 1}", start + timedelta(days=d), start + timedelta(days=d, hours=4))
        for d in range(days)
    )
    depots = _crossings(catalogue, {"kerem-shalom": 25, "rafah": 25}, (time(0), time(23, 59)))
    candidates = [(p.ref, p.name_en, p.geometry.x, p.geometry.y) for p in catalogue.places("gaza")]
    candidates += [
        (f["osm"], f["name_en"] or f["name"], f["lon"], f["lat"]) for f in health_facilities()
    ]
    chosen = candidates[:destinations]
    places = tuple(
        Destination(ref, name, lon, lat, demand=1000, priority=1 + index % 3)
        for index, (ref, name, lon, lat) in enumerate(chosen)
    )
    hospitals = [f for f in health_facilities() if f["amenity"] == "hospital"][:3]
    rafah = next(d for d in depots if d.id == "rafah")
    evacuations = tuple(
        Evacuation(
            f"evac-{i + 1}",
            f["name_en"] or f["name"],
            f["lon"],
            f["lat"],
            "Rafah crossing",
            rafah.lon,
            rafah.lat,
            people=30,
            priority=1,
        )
        for i, f in enumerate(hospitals)
    )
    return PlanningProblem(
        name=f"pause week: {days} daily 4-hour windows, 200 trucks a day",
        timezone="Asia/Gaza",
        now=start - timedelta(days=1),
        depots=tuple(depots),
        vehicles=(
            VehicleKind("truck", Cargo.GOODS, 20, 300, 30.0, ("kerem-shalom", "rafah")),
            VehicleKind("ambulance-bus", Cargo.PEOPLE, 20, 4, 30.0, ("rafah",)),
        ),
        windows=windows,
        destinations=places,
        evacuations=evacuations,
        travel=_roads(catalogue),
        cover_needed=catalogue.strip(),
    )
