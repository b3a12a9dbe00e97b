"""The catalogue of named places a pause can refer to: admin areas, blocks, roads, crossings.

Coordinators name zones the way announcements do ("Khan Younis", "block 655", "Salah al-Din
Road", "Kerem Shalom", "Sudan"), in English or Arabic and in several spellings. The catalogue
resolves those references against the data bundled under ``respite/data/<region>/`` (see its
ATTRIBUTION.md) and, when a name is unknown, says which known names are close, because a typo in
a zone must never silently fall back to something else.

Regions: ``gaza`` (OCHA governorates, evacuation blocks, roads, crossings, places) and ``sudan``
(the country outline and its main towns). Admin areas are named by OCHA-style p-codes, which
carry their country's ISO code and so never collide across regions (``PS0265`` is a Gaza
governorate, ``SD`` is Sudan); every item knows its ``region``.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Generic, Literal, TypeVar

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from respite.errors import NotFound

from ._validate import Region

__all__ = ["AreaCatalogue", "NamedArea", "NamedPoint", "NamedRoad", "normalise_name"]

# How far a swapped-coordinate region reaches beyond its areas (about 5 km): enough for
# crossings and the coast just outside the admin polygons, far short of any [lat, lon]
# misreading of a place there (which lands degrees away).
REGION_PADDING_DEG = 0.05
# Only regions smaller than this (degrees on a side) serve to detect swapped coordinates: a
# [lat, lon] misreading of a Gaza position is unmistakable, but a whole country's box is so large
# that true positions elsewhere (Libya for Sudan) would swap into it.
SWAP_REGION_MAX_SPAN_DEG = 2.0
#: The regions bundled under respite/data/, in load order.
BUNDLED_REGIONS = ("gaza", "sudan")

SOURCES = {
    "country": "Natural Earth 1:50m admin-0 via world-atlas (public domain)",
    "town": "Wikipedia (coordinates)",
    "governorate": "OCHA COD-AB via HDX (CC BY 3.0 IGO)",
    "block": "IDF evacuation blocks via GazaMaps and mushon/nibal (MIT)",
    "road": "© OpenStreetMap contributors (ODbL 1.0), route via mushon/nibal",
    "crossing": "Wikipedia (coordinates)",
    "place": "© OpenStreetMap contributors (ODbL 1.0), HOT export 2024-05-31",
}


@dataclass(frozen=True, slots=True)
class NamedArea:
    """A country, governorate or evacuation block: an areal zone with names in both languages."""

    kind: Literal["country", "governorate", "block"]
    ref: str
    name_en: str
    name_ar: str
    geometry: BaseGeometry
    source: str
    aliases: tuple[str, ...] = ()
    region: str = "gaza"


@dataclass(frozen=True, slots=True)
class NamedRoad:
    """A road segment usable as a corridor centre line (a LineString)."""

    ref: str
    name_en: str
    name_ar: str
    geometry: BaseGeometry
    source: str
    note: str
    aliases: tuple[str, ...] = ()
    kind: Literal["road"] = "road"


@dataclass(frozen=True, slots=True)
class NamedPoint:
    """A crossing or populated place (a Point). ``category`` is the OSM place type for places."""

    kind: Literal["crossing", "place"]
    ref: str
    name_en: str
    name_ar: str
    geometry: BaseGeometry
    source: str
    aliases: tuple[str, ...] = ()
    category: str = ""
    population: int | None = None
    region: str = "gaza"


_Named = TypeVar("_Named", bound=NamedArea | NamedRoad | NamedPoint)

# Arabic is matched without short vowels/tatweel and with the usual spelling variants folded
# (hamzated alef -> alef, ta marbuta -> ha, alef maqsura -> ya), as Arabic search engines do.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u200e\u200f\u061c\u202a-\u202e]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—_'’`ʼ.,()/]+")
# Generic words that people add or omit freely ("Rafah crossing", "محافظة رفح").
_GENERIC = {
    "area": {"governorate", "محافظه", "state", "ولايه"},
    "governorate": {"governorate", "محافظه"},
    "crossing": {"crossing", "border", "معبر"},
    "road": {"road", "street", "st", "شارع", "طريق"},
}


def normalise_name(text: str, kind: str = "") -> str:
    """A lookup key: case-, space-, hyphen- and Arabic-diacritic-insensitive.

    Examples
    --------
    >>> normalise_name("Deir Al-Balah") == normalise_name("deir al balah")
    True
    >>> normalise_name("محافظة خان يونس", "governorate") == normalise_name("خان يونس")
    True
    """
    folded = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).casefold()
    folded = folded.translate(_ARABIC_FOLD)
    generic = _GENERIC.get(kind, set())
    return "".join(t for t in _SEPARATORS.split(folded) if t and t not in generic)


class _Index(Generic[_Named]):
    """Name -> object for one kind, with difflib suggestions for misses."""

    def __init__(self, kind: str, items: Iterable[_Named]) -> None:
        self.kind: str = kind
        self.items: tuple[_Named, ...] = tuple(items)
        self.keys: dict[str, _Named] = {}
        for item in self.items:
            for name in (item.ref, item.name_en, item.name_ar, *item.aliases):
                key = normalise_name(name, kind)
                other = self.keys.setdefault(key, item)
                if other is not item:
                    raise ValueError(f"{kind} name {name!r} is ambiguous ({other.ref}, {item.ref})")

    def get(self, ref: str) -> _Named:
        found = self.keys.get(normalise_name(ref, self.kind))
        if found is None:
            raise NotFound(self.missing(ref))
        return found

    def missing(self, ref: str) -> str:
        close = difflib.get_close_matches(normalise_name(ref, self.kind), self.keys, n=5)
        labels = list(dict.fromkeys(_label(self.keys[k]) for k in close))
        if labels:
            return f"unknown {self.kind} {ref!r}; close matches: {', '.join(labels)}"
        known = ", ".join(_label(i) for i in self.items[:8])
        more = ", ..." if len(self.items) > 8 else ""
        return f"unknown {self.kind} {ref!r}; known: {known}{more}"


def _label(item: NamedArea | NamedRoad | NamedPoint) -> str:
    return f"{item.name_en} / {item.name_ar} ({item.ref})"


class AreaCatalogue:
    """Named governorates, evacuation blocks, roads, crossings and places, with lookups.

    Use :meth:`bundled` for the data shipped with Respite; the constructor exists so tests and
    other regions can build a catalogue from their own objects.

    Examples
    --------
    >>> cat = AreaCatalogue.bundled()
    >>> cat.governorate("Khan Yunis").ref
    'PS0270'
    >>> cat.governorate("خان يونس").name_en
    'Khan Younis'
    >>> cat.road("salah-al-din").geometry.geom_type
    'LineString'
    """

    def __init__(
        self,
        *,
        governorates: Sequence[NamedArea],
        blocks: Sequence[NamedArea],
        roads: Sequence[NamedRoad],
        crossings: Sequence[NamedPoint],
        places: Sequence[NamedPoint],
        unlocated_crossings: Mapping[str, Sequence[str]] | None = None,
        countries: Sequence[NamedArea] = (),
    ) -> None:
        self._governorates = _Index("governorate", sorted(governorates, key=lambda a: a.ref))
        self._countries = tuple(countries)
        self._areas = _Index("area", [*self._countries, *self._governorates.items])
        self._blocks = {int(b.ref): b for b in blocks}
        self._roads = _Index("road", roads)
        self._crossings = _Index("crossing", crossings)
        self._places = tuple(places)
        # Crossings known to exist but without coordinates get a clearer "not found".
        self._unlocated = {
            normalise_name(alias, "crossing"): name
            for name, aliases in (unlocated_crossings or {}).items()
            for alias in (name, *name.split("/"), *aliases)
        }
        self._strip = shapely.union_all([g.geometry for g in governorates])
        self._outlines = {
            region: shapely.union_all([a.geometry for a in self._areas.items if a.region == region])
            for region in dict.fromkeys(a.region for a in self._areas.items)
        }

    @classmethod
    def bundled(cls) -> AreaCatalogue:
        """The catalogue of every bundled region, loaded once per process."""
        return _bundled()

    def area(self, ref: str) -> NamedArea:
        """An admin area of any region (country or governorate) by p-code or name.

        >>> AreaCatalogue.bundled().area("Sudan").ref
        'SD'
        >>> AreaCatalogue.bundled().area("PS0265").name_en
        'Deir Al-Balah'
        """
        return self._areas.get(ref)

    def areas(self) -> tuple[NamedArea, ...]:
        """Every admin area: countries first, then governorates."""
        return tuple(self._areas.items)

    def areas_in(self, view: BaseGeometry) -> tuple[NamedArea, ...]:
        """The admin areas that a map of ``view`` shows (they intersect it)."""
        return tuple(a for a in self._areas.items if a.geometry.intersects(view))

    def regions(self) -> dict[str, BaseGeometry]:
        """Each region's outline (the union of its admin areas), by region name."""
        return dict(self._outlines)

    def governorate(self, ref: str) -> NamedArea:
        """A governorate by pcode (``PS0270``), English or Arabic name, or alias.

        Matching ignores case, spaces, hyphens, Arabic diacritics and the words "governorate" /
        "محافظة". Raises :class:`~respite.errors.NotFound` listing close matches.
        """
        return self._governorates.get(ref)

    def block(self, number: int) -> NamedArea:
        """An evacuation block by number. The bundled list is incomplete (see ATTRIBUTION.md)."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"a block number is an int, got {type(number).__name__}")
        if number in self._blocks:
            return self._blocks[number]
        keys = [str(n) for n in self._blocks]
        close = difflib.get_close_matches(str(number), keys, n=5, cutoff=0.5)
        hint = f"; close block numbers: {', '.join(close)}" if close else ""
        raise NotFound(
            f"unknown block {number}{hint} (the bundled list has {len(keys)} blocks and is "
            "known to be incomplete)"
        )

    def road(self, road_id: str) -> NamedRoad:
        """A road by id (``salah-al-din``, ``al-rashid``), name or alias."""
        return self._roads.get(road_id)

    def crossing(self, name: str) -> NamedPoint:
        """A crossing by id, name (``Kerem Shalom``), alternative name or Arabic name."""
        known = self._unlocated.get(normalise_name(name, "crossing"))
        if known is not None:
            raise NotFound(f"crossing {known!r} has no coordinates in the bundled data")
        return self._crossings.get(name)

    def governorates(self) -> tuple[NamedArea, ...]:
        """All governorates, by pcode (north to south)."""
        return tuple(self._governorates.items)

    def blocks(self) -> tuple[NamedArea, ...]:
        """All bundled evacuation blocks, by number."""
        return tuple(self._blocks[n] for n in sorted(self._blocks))

    def roads(self) -> tuple[NamedRoad, ...]:
        """All road segments."""
        return tuple(self._roads.items)

    def crossings(self) -> tuple[NamedPoint, ...]:
        """Crossings with known coordinates (Kissufim and Zikim have none and are absent)."""
        return tuple(self._crossings.items)

    def places(self, region: str | None = None) -> tuple[NamedPoint, ...]:
        """Populated places (cities, towns, villages, camps) of one region, or of all."""
        if region is None:
            return self._places
        return tuple(p for p in self._places if p.region == region)

    def strip(self) -> BaseGeometry:
        """The union of the governorates: the Gaza Strip outline."""
        return self._strip

    def region(self) -> tuple[Region, ...]:
        """The boxes (padded by ~0.05°) used to detect swapped coordinates: one per region
        small enough for a swapped reading to be unmistakable (see SWAP_REGION_MAX_SPAN_DEG)."""
        boxes = []
        pad = REGION_PADDING_DEG
        for outline in self._outlines.values():
            min_lon, min_lat, max_lon, max_lat = outline.bounds
            if max(max_lon - min_lon, max_lat - min_lat) > SWAP_REGION_MAX_SPAN_DEG:
                continue
            boxes.append(
                (
                    round(min_lon - pad, 4),
                    round(min_lat - pad, 4),
                    round(max_lon + pad, 4),
                    round(max_lat + pad, 4),
                )
            )
        return tuple(boxes)


def _read_collection(name: str, region: str = "gaza") -> dict[str, Any]:
    # Package data via importlib.resources, so it also works from a wheel or zip import.
    path = resources.files("respite") / "data" / region / name
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    collection: dict[str, Any] = json.loads(raw)
    return collection


def _read(name: str, region: str = "gaza") -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = _read_collection(name, region)["features"]
    return features


def _features(name: str, region: str = "gaza") -> list[tuple[dict[str, Any], BaseGeometry]]:
    return [(dict(f["properties"]), shape(f["geometry"])) for f in _read(name, region)]


def _world_regions() -> tuple[list[NamedArea], list[NamedPoint]]:
    """Countries and towns of the bundled regions other than Gaza (admin.geojson, places)."""
    countries: list[NamedArea] = []
    towns: list[NamedPoint] = []
    for region in BUNDLED_REGIONS[1:]:
        countries.extend(
            NamedArea(
                kind="country",
                ref=p["pcode"],
                name_en=p["name_en"],
                name_ar=p["name_ar"],
                geometry=geom,
                source=SOURCES["country"],
                aliases=tuple(p["aliases"]),
                region=region,
            )
            for p, geom in _features("admin.geojson", region)
        )
        towns.extend(
            NamedPoint(
                kind="place",
                ref=f"{region}/{p['id']}",
                name_en=p["name_en"],
                name_ar=p["name_ar"],
                geometry=geom,
                source=SOURCES["town"],
                category=p["place"],
                region=region,
            )
            for p, geom in _features("places.geojson", region)
        )
    return countries, towns


@cache
def _bundled() -> AreaCatalogue:
    governorates = [
        NamedArea(
            kind="governorate",
            ref=p["pcode"],
            name_en=p["name_en"],
            name_ar=p["name_ar"],
            geometry=geom,
            source=SOURCES["governorate"],
            aliases=tuple(p["aliases"]),
        )
        for p, geom in _features("governorates.geojson")
    ]
    # Blocks have only numbers. The Arabic label uses the loanword "بلوك" as the Arabic-language
    # evacuation orders did (worth confirming with an Arabic-speaking reviewer).
    blocks = [
        NamedArea(
            kind="block",
            ref=str(p["block"]),
            name_en=f"Block {p['block']}",
            name_ar=f"بلوك {p['block']}",
            geometry=geom,
            source=SOURCES["block"],
        )
        for p, geom in _features("evacuation_blocks.geojson.gz")
    ]
    roads = [
        NamedRoad(
            ref=p["id"],
            name_en=p["name_en"],
            name_ar=p["name_ar"],
            geometry=geom,
            source=SOURCES["road"],
            note=p["note"],
            aliases=tuple(p["aliases"]),
        )
        for p, geom in _features("roads.geojson")
    ]
    crossings = [
        NamedPoint(
            kind="crossing",
            ref=p["id"],
            name_en=p["name_en"],
            name_ar=p["name_ar"],
            geometry=geom,
            source=SOURCES["crossing"],
            aliases=tuple(p["aliases"]),
        )
        for p, geom in _features("crossings.geojson")
    ]
    places = [
        NamedPoint(
            kind="place",
            ref=p["osm"],
            name_en=p["name_en"],
            name_ar=p["name_ar"],
            geometry=geom,
            source=SOURCES["place"],
            category=p["place"],
            population=p["population"],
        )
        for p, geom in _features("places.geojson")
    ]
    unlocated = _read_collection("crossings.geojson").get("without_coordinates", [])
    countries, towns = _world_regions()
    return AreaCatalogue(
        governorates=governorates,
        blocks=blocks,
        roads=roads,
        crossings=crossings,
        places=[*places, *towns],
        unlocated_crossings={c["name"]: c["aliases"] for c in unlocated},
        countries=countries,
    )
