"""AreaCatalogue lookups: codes, both languages, aliases, blocks, roads, crossings, NotFound."""

from __future__ import annotations

import dataclasses

import pytest
import shapely
import shapely.ops
from shapely.geometry import LineString, Point

from respite.errors import GeometryError, NotFound, RespiteError
from respite.geometry import (
    AreaCatalogue,
    NamedArea,
    NamedPoint,
    NamedRoad,
    corridor,
    length_km,
    normalise_name,
    parse_geometry,
)


@pytest.fixture(scope="module")
def cat() -> AreaCatalogue:
    return AreaCatalogue.bundled()


def test_bundled_is_loaded_once() -> None:
    assert AreaCatalogue.bundled() is AreaCatalogue.bundled()


@pytest.mark.parametrize(
    ("ref", "pcode"),
    [
        ("PS0270", "PS0270"),
        ("ps0270", "PS0270"),
        ("Khan Younis", "PS0270"),
        ("KHAN-YOUNIS", "PS0270"),
        ("  khan   younis ", "PS0270"),
        ("Khan Yunis", "PS0270"),  # geoBoundaries spelling
        ("خان يونس", "PS0270"),
        ("محافظة خان يونس", "PS0270"),
        ("Khan Younis Governorate", "PS0270"),
        ("PS-KYS", "PS0270"),
        ("Deir Al-Balah", "PS0265"),
        ("Deir Al Balah", "PS0265"),
        ("deir al-balah", "PS0265"),
        ("Deir el-Balah", "PS0265"),
        ("دير البلح", "PS0265"),
        ("North Gaza", "PS0255"),
        ("شمال غزة", "PS0255"),
        ("Gaza", "PS0260"),
        ("غزة", "PS0260"),
        ("غزه", "PS0260"),  # ta marbuta written as ha
        ("Rafah", "PS0275"),
        ("رفح", "PS0275"),
    ],
)
def test_governorate_lookup(cat: AreaCatalogue, ref: str, pcode: str) -> None:
    area = cat.governorate(ref)
    assert area.ref == pcode
    assert area.kind == "governorate"


def test_governorate_carries_both_names_and_source(cat: AreaCatalogue) -> None:
    area = cat.governorate("PS0265")
    assert (area.name_en, area.name_ar) == ("Deir Al-Balah", "دير البلح")
    assert "OCHA" in area.source
    assert area.geometry.geom_type == "Polygon"


def test_gaza_city_is_not_an_alias_of_the_governorate(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound, match="unknown governorate 'Gaza City'; close matches: Gaza"):
        cat.governorate("Gaza City")


def test_unknown_governorate_suggests_close_names(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound) as info:
        cat.governorate("Khan Yonis")
    assert "Khan Younis / خان يونس (PS0270)" in str(info.value)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, RespiteError)


def test_domain_md_pcodes_are_not_the_real_ones(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound, match="close matches"):
        cat.governorate("PS0201")


def test_unknown_name_without_close_matches_lists_known(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound, match="known: North Gaza"):
        cat.governorate("Aleppo")


def test_block_lookup(cat: AreaCatalogue) -> None:
    block = cat.block(655)
    assert (block.kind, block.ref, block.name_en, block.name_ar) == (
        "block",
        "655",
        "Block 655",
        "بلوك 655",
    )
    assert block.geometry.geom_type in ("Polygon", "MultiPolygon")


def test_unknown_block_suggests_numbers_and_warns_of_incompleteness(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound) as info:
        cat.block(6555)
    message = str(info.value)
    assert "unknown block 6555; close block numbers: 655" in message
    assert "incomplete" in message


def test_block_number_must_be_an_int(cat: AreaCatalogue) -> None:
    with pytest.raises(TypeError):
        cat.block("655")  # type: ignore[arg-type]


@pytest.mark.parametrize("ref", ["salah-al-din", "Salah al-Din Road", "salah al din", "صلاح الدين"])
def test_road_lookup(cat: AreaCatalogue, ref: str) -> None:
    road = cat.road(ref)
    assert isinstance(road, NamedRoad)
    assert road.ref == "salah-al-din"
    assert isinstance(road.geometry, LineString)
    assert road.name_ar == "طريق صلاح الدين"
    assert road.note.startswith("approximated segment")


def test_al_rashid_road(cat: AreaCatalogue) -> None:
    road = cat.road("al-rashid")
    assert road.name_ar == "شارع الرشيد"
    assert "OpenStreetMap" in road.source


def test_unknown_road(cat: AreaCatalogue) -> None:
    with pytest.raises(NotFound, match="close matches: al-Rashid"):
        cat.road("al-rasheed")


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        ("Kerem Shalom", "kerem-shalom"),
        ("Karem Abu Salem", "kerem-shalom"),
        ("kerem-shalom crossing", "kerem-shalom"),
        ("كرم أبو سالم", "kerem-shalom"),
        ("Erez", "erez"),
        ("Beit Hanoun crossing", "erez"),
        ("إيرز", "erez"),
        ("Rafah Border Crossing", "rafah"),
        ("معبر رفح", "rafah"),
    ],
)
def test_crossing_lookup(cat: AreaCatalogue, name: str, ref: str) -> None:
    crossing = cat.crossing(name)
    assert crossing.ref == ref
    assert crossing.kind == "crossing"
    assert isinstance(crossing.geometry, Point)


@pytest.mark.parametrize("name", ["Kissufim", "Zikim", "Western Erez", "Erez West"])
def test_crossings_without_coordinates_say_so(cat: AreaCatalogue, name: str) -> None:
    with pytest.raises(NotFound, match="has no coordinates in the bundled data"):
        cat.crossing(name)


def test_listings(cat: AreaCatalogue) -> None:
    assert [g.ref for g in cat.governorates()] == ["PS0255", "PS0260", "PS0265", "PS0270", "PS0275"]
    numbers = [int(b.ref) for b in cat.blocks()]
    assert numbers == sorted(numbers)
    assert len(numbers) == 326
    assert {r.ref for r in cat.roads()} == {"salah-al-din", "al-rashid"}
    assert {c.ref for c in cat.crossings()} == {"kerem-shalom", "erez", "rafah"}
    places = {p.name_en: p for p in cat.places()}
    assert places["Jabalia"].name_ar == "جباليا"
    assert places["Khan Yunis"].category == "city"
    assert all(isinstance(p, NamedPoint) and p.kind == "place" for p in cat.places())


def test_place_names_have_no_invisible_marks(cat: AreaCatalogue) -> None:
    for place in cat.places():
        for name in (place.name_en, place.name_ar):
            assert name
            assert name == name.strip()
            assert not set(name) & {"\u200e", "\u200f", "\u061c"}
    assert "الزهراء" in {p.name_ar for p in cat.places()}


def test_region_pads_the_strip_and_catches_a_swapped_crossing(cat: AreaCatalogue) -> None:
    # Gaza is the one bundled region small enough for a swapped reading to be unmistakable;
    # Sudan's box is far too large (a position in Libya would swap into it).
    (padded,) = cat.region()
    bounds = cat.strip().bounds
    assert padded == pytest.approx(
        (bounds[0] - 0.05, bounds[1] - 0.05, bounds[2] + 0.05, bounds[3] + 0.05), abs=1e-4
    )
    erez = cat.crossing("Erez").geometry
    with pytest.raises(GeometryError, match="looks like \\[lat, lon\\]"):
        parse_geometry(
            {"type": "Point", "coordinates": [erez.y, erez.x]},
            allowed=["Point"],
            region=cat.region(),
        )
    assert parse_geometry(
        {"type": "Point", "coordinates": [erez.x, erez.y]}, allowed=["Point"], region=cat.region()
    ).equals(erez)


def test_named_objects_are_frozen(cat: AreaCatalogue) -> None:
    area = cat.governorate("Rafah")
    assert isinstance(area, NamedArea)
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.name_en = "Elsewhere"  # type: ignore[misc]


def test_ambiguous_names_are_refused_when_building_a_catalogue(cat: AreaCatalogue) -> None:
    rafah = cat.governorate("Rafah")
    twin = dataclasses.replace(rafah, ref="PS9999", aliases=())
    with pytest.raises(ValueError, match="ambiguous"):
        AreaCatalogue(governorates=[rafah, twin], blocks=[], roads=[], crossings=[], places=[])


def test_normalise_name_folds_case_spacing_and_arabic_variants() -> None:
    assert normalise_name("Deir al-Balah") == normalise_name("DEIR AL BALAH") == "deiralbalah"
    assert normalise_name("خَان يُونُس") == normalise_name("خان يونس")  # short vowels
    assert normalise_name("إيرز") == normalise_name("ايرز")  # hamza on alef
    assert normalise_name("Rafah crossing", "crossing") == "rafah"
    assert normalise_name("Rafah crossing") == "rafahcrossing"


def test_al_rashid_road_reaches_gaza_city_and_says_how(cat: AreaCatalogue) -> None:
    """The 9 Nov 2023 coastal corridor runs from Gaza City; its northern stretch is drawn from
    the coastline (no road data reaches there), and the note says which part is which."""
    road = cat.road("al-rashid")
    line = road.geometry
    coast_point = shapely.Point(34.405, 31.495)  # Gaza City's coastal road, Sheikh Ajlin
    assert corridor(line, 1000).contains(coast_point)
    north_end, south_end = line.coords[0], line.coords[-1]
    assert north_end[1] > 31.54 > 31.34 > south_end[1]  # al-Shati down to south of al-Mawasi
    # the northern stretch hugs the coast: within 400 m of the Strip's boundary all along
    stretch = shapely.LineString([c for c in line.coords if c[1] >= 31.46])
    coast = cat.strip().boundary
    assert all(
        length_km(shapely.LineString([c, shapely.ops.nearest_points(coast, shapely.Point(c))[0]]))
        < 0.4
        for c in stretch.coords
    )
    assert "Gaza City" in road.note and "approximated from the coastline" in road.note
    assert "Nuseirat to south of al-Mawasi" in road.note
