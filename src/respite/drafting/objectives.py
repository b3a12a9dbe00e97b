"""What a pause is for, read from its words: aid in, fuel in, people out, children vaccinated,
hostages and detainees released; with a target when a number is attached ("640,000 children",
"200 trucks", "200 شاحنة", "640 ألف طفل")."""

from __future__ import annotations

import re

from .clock import folded_pattern, word_pattern
from .model import ObjectiveFound
from .normalise import Folded

__all__ = ["find_objectives"]

_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "children_vaccinated",
        folded_pattern(r"(vaccin\w*|inoculat\w*|polio|تطعيم|التطعيم|تلقيح|التلقيح|شلل الأطفال)"),
    ),
    (
        "fuel_in",
        word_pattern(
            "fuel", "diesel", "cooking gas", "وقود", "الوقود", "السولار", "الديزل", "غاز الطهي"
        ),
    ),
    (
        "aid_trucks_in",
        word_pattern(
            "humanitarian aid",
            "aid",
            "aid lorries",
            "lorries",
            "trucks",
            "convoys?",
            "goods",
            "humanitarian assistance",
            "humanitarian purposes",
            "المساعدات",
            "مساعدات",
            "شاحنة",
            "شاحنات",
            "القوافل",
            "قوافل",
            "البضائع",
            "إدخال المساعدات",
            "المواد الإغاثية",
        ),
    ),
    (
        "people_evacuated",
        word_pattern(
            r"evacuat\w*",
            r"flee\w*",
            "to leave",
            "get out",
            "people out",
            "move south",
            "head south",
            "safer areas",
            "leave the city",
            "exit of civilians",
            "إخلاء",
            "الإخلاء",
            "إجلاء",
            "الفرار",
            "النزوح",
            "نزوح",
            "خروج",
            "للمدنيين بالفرار",
            "تسهيل المرور",
            "التوجه جنوبا",
        ),
    ),
    (
        "hostages_released",
        word_pattern(
            "hostages?",
            "captives",
            "رهائن",
            "الرهائن",
            "المحتجزين",
            "محتجزين",
            "أسيرا إسرائيليا",
            "أسير إسرائيلي",
            "إسرائيليا",
        ),
    ),
    (
        "detainees_released",
        word_pattern(
            "palestinian prisoners",
            "prisoners",
            "detainees",
            "أسرى فلسطينيين",
            "أسيرا فلسطينيا",
            "فلسطينيا من السجون",
            "الأسرى",
        ),
    ),
]
_TARGET = folded_pattern(
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:(ألف|الف|thousand|million|مليون)\s*)?"
    r"(children|trucks|lorries|litres|liters|طفل|شاحنة|لتر|hostages)"
)
_UNITS = {
    "children": "children",
    "طفل": "children",
    "trucks": "trucks",
    "lorries": "trucks",
    "شاحنه": "trucks",
    "litres": "litres",
    "liters": "litres",
    "لتر": "litres",
    "hostages": "people",
}
_UNIT_KIND = {"children": "children_vaccinated", "trucks": "aid_trucks_in", "litres": "fuel_in"}


def find_objectives(text: Folded) -> list[ObjectiveFound]:
    """Each objective kind named in the text, once, at its first cue; targets where given."""
    targets: dict[str, tuple[float, str]] = {}
    for m in _TARGET.finditer(text.text):
        value = float(m.group(1).replace(",", ""))
        scale = m.group(2)
        if scale in ("ألف", "الف", "thousand"):
            value *= 1000
        elif scale in ("million", "مليون"):
            value *= 1_000_000
        unit = _UNITS.get(m.group(3), m.group(3))
        kind = _UNIT_KIND.get(unit)
        if kind and kind not in targets:
            targets[kind] = (value, unit)
    found: list[ObjectiveFound] = []
    for kind, pattern in _CUES:
        cue = pattern.search(text.text)
        if cue is None:
            continue
        target = targets.get(kind)
        found.append(
            ObjectiveFound(
                kind,
                text.span(*cue.span()),
                0.7,
                target[0] if target else None,
                target[1] if target else None,
            )
        )
    # Vaccination campaigns bring health workers, not aid trucks, unless trucks are named.
    kinds = {o.kind for o in found}
    if (
        "children_vaccinated" in kinds
        and "aid_trucks_in" in kinds
        and "aid_trucks_in" not in targets
    ):
        found = [o for o in found if o.kind != "aid_trucks_in"]
    return sorted(found, key=lambda o: o.span.start)
