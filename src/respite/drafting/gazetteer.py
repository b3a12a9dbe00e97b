"""Finding named places in a text: the gazetteer.

Entries come from a region's area catalogue (governorates, roads, crossings, populated places,
numbered blocks) plus that region's ``gazetteer.json`` (its time zone, the parts of the region
announcements name, and the spellings news agencies use). Each shipped region folder with a
``gazetteer.json`` plugs in; :data:`ELSEWHERE` adds places Respite has no catalogue for (so a
text about Aleppo or Mariupol is read in the right time zone, with the place's id left null).

Matching is on folded text (:mod:`respite.drafting.normalise`): case, diacritics and Arabic
spelling variants do not matter, Latin articles (al-, el-, ad-, a-) are interchangeable, and
Arabic clitic prefixes (و ف ب ل ك, لل) are allowed before a name. The longest match wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from respite.geometry import AreaCatalogue

from .model import PlaceFound
from .normalise import Folded, fold_name

__all__ = ["ELSEWHERE", "Gazetteer", "GazetteerEntry"]

# Ties between equal names (a city named like its governorate) go to the smaller, more
# specific thing, unless the region's "prefer" map says otherwise.
_PRIORITY = {"region": 0, "road": 1, "crossing": 2, "block": 3, "place": 4, "governorate": 5}
_ARTICLES = "(?:al|el|ad|a|as|ash|az|ar|an|at)"
_LATIN_ARTICLE = re.compile(r"^(?:al|el|ad|a|as|ash|az|ar|an|at)$")
_ARABIC = re.compile("[\u0600-\u06ff]")
_BLOCKS_EN = re.compile(r"(?<!\w)blocks?\s+((?:\d{1,4})(?:\s*(?:,|and|&)\s*\d{1,4})*)")
_BLOCKS_AR = re.compile(
    r"(?<!\w)(?:[وف]?[بل]?)(?:ال)?(?:بلوك|بلوكات|مربع|مربعات)\s*((?:\d{1,4})(?:\s*(?:,|و)\s*\d{1,4})*)"
)


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A nameable place. ``id`` is None for places known only for their time zone."""

    id: str | None
    kind: str
    label: str
    names: tuple[str, ...]
    timezone: str | None
    governorates: tuple[str, ...] = ()
    coordinates: tuple[float, float] | None = None


_COUNTRIES = {"Syria", "Ukraine", "Sudan", "Yemen"}
# Places where pauses have been announced that no shipped catalogue covers: their zone only.
ELSEWHERE: tuple[GazetteerEntry, ...] = tuple(
    GazetteerEntry(None, "country" if names[0] in _COUNTRIES else "place", names[0], names, zone)
    for zone, names in (
        ("Asia/Damascus", ("Aleppo", "eastern Aleppo", "east Aleppo", "حلب", "شرق حلب")),
        ("Asia/Damascus", ("Eastern Ghouta", "Ghouta", "الغوطة الشرقية", "الغوطة")),
        ("Asia/Damascus", ("Douma", "دوما")),
        ("Asia/Damascus", ("al-Wafideen", "Wafideen camp", "مخيم الوافدين")),
        ("Asia/Damascus", ("Idlib", "إدلب")),
        ("Asia/Damascus", ("Syria", "سوريا", "سورية")),
        ("Europe/Kyiv", ("Mariupol", "ماريوبول")),
        ("Europe/Kyiv", ("Volnovakha",)),
        ("Europe/Kyiv", ("Zaporizhzhia", "Zaporizhia", "Zaporozhye", "زابوريجيا")),
        ("Europe/Kyiv", ("Berdiansk", "Berdyansk")),
        ("Europe/Kyiv", ("Azovstal plant", "Azovstal metallurgical plant", "Azovstal", "آزوفستال")),
        ("Europe/Kyiv", ("Ukraine", "أوكرانيا")),
        ("Africa/Khartoum", ("Khartoum", "الخرطوم")),
        ("Africa/Khartoum", ("Sudan", "السودان")),
        ("Asia/Aden", ("Hodeidah", "الحديدة")),
        ("Asia/Aden", ("Yemen", "اليمن")),
        ("Asia/Riyadh", ("Jeddah", "جدة")),
        ("Asia/Gaza", ("Wadi Gaza", "وادي غزة")),
        ("Asia/Gaza", ("Izbat Malien", "Izbat Mlin", "عزبة ملين")),
    )
)


@dataclass(frozen=True, slots=True)
class _Name:
    entry: GazetteerEntry
    pattern: re.Pattern[str]
    folded: str


def _pattern(folded: str) -> re.Pattern[str]:
    tokens = folded.split()
    if _ARABIC.search(folded):
        head = tokens[0]
        rest = r"\s+".join(re.escape(t) for t in tokens[1:])
        tail = r"\s+" + rest if rest else ""
        options = [r"[وف]?[بلك]?" + re.escape(head)]
        if head.startswith("ال"):
            options.append(r"[وف]?لل" + re.escape(head[2:]))
        return re.compile(r"(?<!\w)(?:" + "|".join(options) + ")" + tail + r"(?!\w)")
    parts: list[str] = []
    required_the = tokens[0] == "the"
    for token in tokens[1:] if required_the else tokens:
        parts.append(_ARTICLES if _LATIN_ARTICLE.match(token) else re.escape(token))
    body = r"[\s\-']*".join(parts)
    the = r"the\s+" if required_the else r"(?:the\s+)?"
    return re.compile(r"(?<!\w)" + the + body + r"(?!\w)")


class Gazetteer:
    """Named places of one or more regions, matched in folded text.

    Examples
    --------
    >>> from respite.drafting.normalise import fold
    >>> g = Gazetteer.bundled()
    >>> [p.id for p in g.find(fold("traffic on Salah a-Din road from Jabaliya"))]
    ['road:salah-al-din', 'place:node/3007045042']
    """

    def __init__(
        self,
        entries: Iterable[GazetteerEntry],
        *,
        prefer: Mapping[str, str] | None = None,
        blocks: Mapping[int, str] | None = None,
        block_timezone: str | None = None,
    ) -> None:
        self.entries: tuple[GazetteerEntry, ...] = tuple(entries)
        self._prefer = {fold_name(k): v for k, v in (prefer or {}).items()}
        self._blocks = dict(blocks or {})
        self._block_timezone = block_timezone
        by_name: dict[str, list[GazetteerEntry]] = {}
        for entry in self.entries:
            for name in entry.names:
                by_name.setdefault(fold_name(name), []).append(entry)
        self._names: list[_Name] = []
        for folded, candidates in by_name.items():
            chosen = self._choose(folded, candidates)
            self._names.append(_Name(chosen, _pattern(folded), folded))
        self._names.sort(key=lambda n: -len(n.folded))

    def _choose(self, folded: str, candidates: Sequence[GazetteerEntry]) -> GazetteerEntry:
        wanted = self._prefer.get(folded)
        for entry in candidates:
            if wanted is not None and entry.id == wanted:
                return entry
        return min(candidates, key=lambda e: (_PRIORITY.get(e.kind, 9), e.id is None))

    @classmethod
    def bundled(cls) -> Gazetteer:
        """Every shipped region's gazetteer plus :data:`ELSEWHERE` (cached per process)."""
        return _bundled()

    @classmethod
    def combine(cls, *parts: Gazetteer) -> Gazetteer:
        """One gazetteer over several regions (the first region's spelling preferences win)."""
        prefer: dict[str, str] = {}
        blocks: dict[int, str] = {}
        for part in reversed(parts):
            prefer.update(part._prefer)
            blocks.update(part._blocks)
        zone = next((p._block_timezone for p in parts if p._block_timezone), None)
        entries = [e for part in parts for e in part.entries]
        return cls(entries, prefer=prefer, blocks=blocks, block_timezone=zone)

    @classmethod
    def from_catalogue(cls, catalogue: AreaCatalogue, description: Mapping[str, Any]) -> Gazetteer:
        """A region's gazetteer: its catalogue's names plus its ``gazetteer.json`` description."""
        zone = str(description["timezone"])
        extra: dict[str, list[str]] = {
            k: list(v) for k, v in description.get("aliases", {}).items()
        }
        entries: list[GazetteerEntry] = []

        def add(
            kind: str,
            ident: str,
            label: str,
            names: Iterable[str],
            govs: tuple[str, ...] = (),
            point: tuple[float, float] | None = None,
        ) -> None:
            all_names = (*names, *extra.pop(ident, []))
            unique = tuple(dict.fromkeys(all_names))
            entries.append(GazetteerEntry(ident, kind, label, unique, zone, govs, point))

        for gov in catalogue.governorates():
            names = (
                gov.name_en,
                gov.name_ar,
                *gov.aliases,
                f"{gov.name_en} governorate",
                f"محافظة {gov.name_ar}",
            )
            add("governorate", f"governorate:{gov.ref}", gov.name_en, names, (gov.ref,))
        for road in catalogue.roads():
            add(
                "road",
                f"road:{road.ref}",
                road.name_en,
                (road.name_en, road.name_ar, *road.aliases),
            )
        for crossing in catalogue.crossings():
            names = (
                crossing.name_en,
                f"{crossing.name_en} crossing",
                crossing.name_ar,
                *crossing.aliases,
            )
            point = (crossing.geometry.x, crossing.geometry.y)
            add("crossing", f"crossing:{crossing.ref}", crossing.name_en, names, (), point)
        for place in catalogue.places():
            point = (place.geometry.x, place.geometry.y)
            names = (place.name_en, place.name_ar)
            add("place", f"place:{place.ref}", place.name_en, names, (), point)
        for area in description.get("areas", []):
            govs = tuple(area["governorates"])
            add("region", area["id"], area["names"][0], area["names"], govs)
        if extra:
            raise ValueError(f"gazetteer aliases for unknown ids: {', '.join(sorted(extra))}")
        blocks = {int(b.ref): f"block:{b.ref}" for b in catalogue.blocks()}
        return cls(
            entries, prefer=description.get("prefer", {}), blocks=blocks, block_timezone=zone
        )

    def find(self, folded: Folded) -> list[PlaceFound]:
        """Every place named in the text, longest match first, without overlaps, in text order."""
        taken: list[tuple[int, int]] = []
        found: list[PlaceFound] = []
        for name in self._names:
            for match in name.pattern.finditer(folded.text):
                start, end = match.span()
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                entry = name.entry
                span = folded.span(start, end)
                found.append(
                    PlaceFound(
                        text=span.text,
                        id=entry.id,
                        kind=entry.kind,
                        span=span,
                        confidence=0.9 if entry.id else 0.6,
                        governorates=entry.governorates,
                        timezone=entry.timezone,
                        coordinates=entry.coordinates,
                    )
                )
        found.extend(self._find_blocks(folded, taken))
        found.sort(key=lambda p: p.span.start)
        unique: dict[object, PlaceFound] = {}
        for place in found:
            unique.setdefault(place.id or fold_name(place.text), place)
        places = list(unique.values())
        if any(p.kind != "country" for p in places):  # "Ukraine's Mariupol": the city is the place
            places = [p for p in places if p.kind != "country"]
        return places

    def _find_blocks(self, folded: Folded, taken: list[tuple[int, int]]) -> list[PlaceFound]:
        found: list[PlaceFound] = []
        for pattern in (_BLOCKS_EN, _BLOCKS_AR):
            for match in pattern.finditer(folded.text):
                for number in re.finditer(r"\d+", match.group(1)):
                    start, end = match.start(1) + number.start(), match.start(1) + number.end()
                    if any(start < e and s < end for s, e in taken):
                        continue
                    ident = self._blocks.get(int(number.group()))
                    span = folded.span(start, end)
                    found.append(
                        PlaceFound(
                            f"block {number.group()}",
                            ident,
                            "block",
                            span,
                            0.9 if ident else 0.5,
                            (),
                            self._block_timezone,
                        )
                    )
        return found


@cache
def _bundled() -> Gazetteer:
    regions: list[Gazetteer] = []
    data = resources.files("respite") / "data"
    for folder in sorted(data.iterdir(), key=lambda p: p.name):
        description_file = folder / "gazetteer.json"
        if not description_file.is_file():
            continue
        description = json.loads(description_file.read_text("utf-8"))
        if description.get("region") == "gaza":
            catalogue = AreaCatalogue.bundled()
        else:  # a region without an area catalogue contributes its own named areas only
            catalogue = AreaCatalogue(governorates=[], blocks=[], roads=[], crossings=[], places=[])
        regions.append(Gazetteer.from_catalogue(catalogue, description))
    return Gazetteer.combine(*regions, Gazetteer(ELSEWHERE))
