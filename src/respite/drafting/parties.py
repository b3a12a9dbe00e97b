"""Who announced, agreed to and mediated a pause, by canonical name, from English and Arabic.

Names come from a table of the parties to real pauses (aliases in both languages). A party in
a clause with "mediat-", "brokered", "بوساطة", "برعاية" is a mediator; one that "agreed",
"signed" or is named in "an agreement between X and Y" agreed; the subject of "said",
"announced", "أعلن" announced. A party only mentioned is not reported.
"""

from __future__ import annotations

import re

from .clock import folded_pattern
from .model import PartyFound, Role
from .normalise import Folded, fold_name

__all__ = ["PARTIES", "find_parties"]

PARTIES: dict[str, tuple[str, ...]] = {
    "Israel Defense Forces": (
        "Israel Defense Forces",
        "IDF",
        "Israeli military",
        "Israeli army",
        "Israel's military",
        "the military",
        "الجيش الإسرائيلي",
        "جيش الاحتلال",
        "جيش الاحتلال الإسرائيلي",
        "جيش الكيان الإسرائيلي",
        "Israeli Defense Forces",
        "جيش الكيان",
        "الجيش الاسرائيلي",
        "Adraee",
        "أدرعي",
        "Hagari",
    ),
    "Israel": ("Israel", "Israelis", "Jerusalem", "إسرائيل", "دولة الاحتلال", "Tel Aviv"),
    "United States": (
        "United States",
        "White House",
        "U.S.",
        "US",
        "Biden administration",
        "Kirby",
        "State Department",
        "البيت الأبيض",
        "الولايات المتحدة",
        "أمريكية",
        "أميركية",
        "الأمريكية",
        "الأميركية",
        "واشنطن",
    ),
    "Qatar": (
        "Qatar",
        "Qatari",
        "State of Qatar",
        "قطر",
        "القطرية",
        "قطرية",
        "الأنصاري",
        "Al-Ansari",
        "Al Ansari",
    ),
    "Egypt": ("Egypt", "Egyptian", "مصر", "مصرية", "المصرية"),
    "Hamas": ("Hamas", "حماس", "حركة حماس", "كتائب القسام", "القسام"),
    "World Health Organization": (
        "World Health Organization",
        "WHO",
        "منظمة الصحة العالمية",
        "Peeperkorn",
        "بيبركورن",
    ),
    "Russia": (
        "Russia",
        "Russian",
        "Moscow",
        "Russian Defense Ministry",
        "Russian Defence Ministry",
        "روسيا",
        "الروسية",
        "الروسي",
        "Rudskoy",
        "Rudskoi",
        "بوتين",
        "شويغو",
        "شويجو",
        "غيراسيموف",
    ),
    "Saudi Arabia": ("Saudi Arabia", "Saudi", "السعودية", "سعودية", "المملكة"),
    "Sudanese Armed Forces": (
        "Sudanese army",
        "Sudan's army",
        "Sudanese Armed Forces",
        "الجيش السوداني",
        "القوات المسلحة السودانية",
    ),
    "Rapid Support Forces": ("Rapid Support Forces", "RSF", "الدعم السريع", "قوات الدعم السريع"),
    "Ukraine": ("Ukraine", "Ukrainian government", "Kyiv", "Kiev", "أوكرانيا"),
    "Mariupol City Council": (
        "city council of Ukraine's Mariupol",
        "Mariupol city council",
        "Mariupol officials",
    ),
    "United Nations": ("United Nations", "UN", "U.N.", "الأمم المتحدة"),
    "COGAT": ("COGAT",),
}
_MEDIATE = folded_pattern(
    r"(mediat\w*|brokered|facilitat\w*|sponsors|بوساطة|بواسطة|وساطة|برعاية|بجهود|الوسطاء)"
)
_AGREE = folded_pattern(
    r"(agreed|agree|signed|agreement between|accepted|initiat\w*|committed|will begin|to begin|"
    r"وافق\w*|اتفاق بين|توصل|اتفق|وقع\w*|التزامهما|ستبدأ)"
)
_SPEECH_BEFORE = folded_pattern(r"(?:says|said|announced|told \w+|that|أن|إن|ان)\s*[\"']?\s*$")
_BETWEEN = folded_pattern(r"(?:between|بين)\s*[\"']?\s*$")
_AND = folded_pattern(r"^[\"'\s]*(?:and|و)\s*(?:\w+\s+){0,3}[\"']?\s*$")
_IN_MEDIATION = folded_pattern(r"(as part of the ongoing mediation|في إطار الوساطة|في إطار وساطة)")
_ANNOUNCE = folded_pattern(
    r"(said|says|announc\w*|statement|told|spokes\w*|posted|added|informed|declared|quoted|قال|قالت|أعلن\w*|بيان|صرح|أوضح|أكد\w*|كتب|أبلغ)"
)


def _alias_pattern(alias: str) -> re.Pattern[str]:
    folded = fold_name(alias)
    body = re.escape(folded).replace(r"\ ", r"\s+")
    if re.search("[\u0600-\u06ff]", folded):
        return re.compile(r"(?<!\w)(?:[وفبل]|لل)?" + body + r"(?!\w)")
    if alias.isupper() or "." in alias:  # "US", "IDF", "U.S.": exact letters, in the original
        return re.compile(r"(?<![\w.])" + re.escape(alias) + r"(?![\w])")
    return re.compile(r"(?<!\w)" + body + r"(?:'s)?(?!\w)")


_ALIASES = sorted(
    (
        (name, _alias_pattern(alias), len(alias))
        for name, aliases in PARTIES.items()
        for alias in aliases
    ),
    key=lambda item: -item[2],
)
_CLAUSE = re.compile(r"[.;!?\n]|,\s|،")


def find_parties(text: Folded, *, original: str) -> list[PartyFound]:
    """Parties and their roles (see the module docstring); one entry per (name, role)."""
    mentions: list[tuple[int, int, str]] = []
    for name, pattern, _ in _ALIASES:
        source = original if pattern.pattern.startswith("(?<![\\w.])") else text.text
        for m in pattern.finditer(source):
            start, end = m.span()
            if source is original:  # case-sensitive acronyms match the original; map to folded
                start, end = _to_folded(text, start), _to_folded(text, end)
            if any(start < e and s < end for s, e, _ in mentions):
                continue
            mentions.append((start, end, name))
    mentions.sort()
    found: dict[tuple[str, Role], PartyFound] = {}
    previous: tuple[int, Role | None] = (-1000, None)
    mediation = _IN_MEDIATION.search(text.text) is not None
    for start, end, name in mentions:
        role = _role(text.text, start, end, previous)
        previous = (end, role)
        if role is None:
            continue
        roles: list[Role] = [role]
        if role == "announced_by" and mediation and name != "United States":
            roles.append("mediators")
        for each in roles:
            if (name, each) not in found:
                found[(name, each)] = PartyFound(name, each, text.span(start, end), 0.6)
    return list(found.values())


def _to_folded(text: Folded, original_index: int) -> int:
    for index, origin in enumerate(text.origin):
        if origin >= original_index:
            return index
    return len(text.text)


def _role(text: str, start: int, end: int, previous: tuple[int, Role | None]) -> Role | None:
    sentence_start = max(text.rfind(". ", 0, start) + 1, text.rfind("\n", 0, start) + 1, 0)
    sentence_end = min(i for i in (text.find(". ", end), text.find("\n", end), len(text)) if i >= 0)
    before = text[max(sentence_start, start - 40) : start]
    after = text[end : min(sentence_end, end + 60)]
    if _MEDIATE.search(before[-25:]) or _MEDIATE.search(after[:12]):
        return "mediators"
    clause_after = _CLAUSE.split(after, maxsplit=1)[0]
    if _ANNOUNCE.search(before[-14:]) and not _SPEECH_BEFORE.search(before):
        return "announced_by"  # "أعلن البيت الأبيض", "said Qatar"
    if _BETWEEN.search(before):
        return "agreed_by"
    if (
        previous[1] == "agreed_by"
        and start - previous[0] <= 40
        and _AND.match(text[previous[0] : start])
    ):
        return "agreed_by"  # "between Israel and Hamas"
    agree = _AGREE.search(clause_after[:60])
    announce = _ANNOUNCE.search(clause_after[:45])
    if agree and (announce is None or agree.start() < announce.start()):
        return "agreed_by"
    if announce or _ANNOUNCE.search(before[-30:]):
        return "announced_by"
    return None
