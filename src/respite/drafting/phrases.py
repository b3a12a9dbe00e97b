"""Durations, repetition, notice and extension phrases (English and Arabic), in folded text.

"for four hours", "four-hour", "48-hour", "for three days", "seven-day", "a week", "لمدة 4
أيام", "لأربع ساعات", "يومين", "72 ساعة"; "daily", "every day", "each day", "يوميا", "كل يوم";
"until further notice", "حتى إشعار آخر"; "three hours in advance", "a three-hour warning",
"قبل ثلاث ساعات"; "extend ... for an additional two days", "تمديد الهدنة ليومين إضافيين".
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import folded_pattern
from .normalise import fold_name

__all__ = ["Amount", "find_daily", "find_durations", "find_extension", "find_notice", "find_ufn"]

_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_AR_NUMBERS = {
    fold_name(k): v
    for k, v in {
        "واحد": 1,
        "واحدة": 1,
        "اثنين": 2,
        "اثنتين": 2,
        "ثلاث": 3,
        "ثلاثة": 3,
        "أربع": 4,
        "أربعة": 4,
        "خمس": 5,
        "خمسة": 5,
        "ست": 6,
        "ستة": 6,
        "سبع": 7,
        "سبعة": 7,
        "ثماني": 8,
        "ثمان": 8,
        "ثمانية": 8,
        "تسع": 9,
        "تسعة": 9,
        "عشر": 10,
        "عشرة": 10,
    }.items()
}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) + r")"
_AR_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_AR_NUMBERS, key=len, reverse=True)) + r")"

_EN_DURATION = folded_pattern(
    r"(?<![\w])" + _NUMBER + r"(?:\s+more|\s+additional|\s+extra|\s+consecutive)?[\s-]+"
    r"(hours?|days?|weeks?)(?![\w])"
)
_AR_DURATION = folded_pattern(
    r"(?<![\w])(?:[لب]|لمدة\s+|مدتها\s+)?(?:ال)?"
    + _AR_NUMBER
    + r"\s*(ساعات|ساعة|أيام|يوما|يوم)(?![\w])"
)
_AR_DUAL = folded_pattern(r"(?<![\w])(?:[لبو]|لمدة\s+)?(يومين|يوميين|ساعتين|أسبوع|أسبوعين)(?![\w])")
_DAILY = folded_pattern(
    r"(?<![\w])(daily|every day|each day|a day|per day|day by day|consecutive days|يوميا|يومياً|"
    r"كل يوم|اليومية|يومية|بشكل يومي)(?![\w])"
)
_UFN = folded_pattern(r"(until further notice|حتى إشعار آخر|لحين إشعار آخر|حتى اشعار اخر)")
_NOTICE = folded_pattern(
    r"(?:(?:at least\s+)?"
    + _NUMBER
    + r"[\s-]+hours?\s+(?:in advance|beforehand|ahead|before(?:hand)?|"
    r"of notice|notice)|" + _NUMBER + r"[\s-]+hour\s+(?:warning|notice|advance notice))"
)
_AR_NOTICE = folded_pattern(
    r"قبل\s+" + _AR_NUMBER + r"\s+ساعات\s*(?:من\s+\w+)?|مسبقا\s+قبل\s+" + _AR_NUMBER
)
_EXTEND_EN = folded_pattern(
    r"(?:extend\w*|extension)[^.]{0,60}?(?:for|by)?\s*(?:an?\s+)?(?:additional|extra|further)?\s*"
    + _NUMBER
    + r"(?:\s+more|\s+additional|\s+extra)?[\s-]+days?"
    r"|" + _NUMBER + r"[\s-]+day\s+(?:truce\s+)?extension"
)
_EXTEND_AR = folded_pattern(
    r"تمديد[^.]{0,50}?(?:(يومين|يوميين)|يوم(?:ا)?\s+(?:واحد\s+)?إضافي|ليوم\s+(?:واحد\s+)?إضافي|"
    + _AR_NUMBER
    + r"\s+أيام)"
)


@dataclass(frozen=True, slots=True)
class Amount:
    """A number with its unit (``hours`` or ``days``) at folded positions."""

    start: int
    end: int
    value: float
    unit: str


def _en(raw: str) -> int:
    return int(raw) if raw.isdigit() else _EN_NUMBERS[raw]


def _ar(raw: str) -> int:
    return int(raw) if raw.isdigit() else _AR_NUMBERS[raw]


def find_durations(text: str) -> list[Amount]:
    """Lengths of time: "four-hour" (4 hours), "three days" (3 days), "a week" (7 days)."""
    found: list[Amount] = []
    for m in _EN_DURATION.finditer(text):
        unit = m.group(2)
        value = _en(m.group(1))
        if unit.startswith("week"):
            found.append(Amount(m.start(), m.end(), value * 7, "days"))
        else:
            found.append(
                Amount(m.start(), m.end(), value, "hours" if unit.startswith("hour") else "days")
            )
    for m in _AR_DURATION.finditer(text):
        unit = "hours" if m.group(2).startswith("ساع") else "days"
        found.append(Amount(m.start(), m.end(), _ar(m.group(1)), unit))
    for m in _AR_DUAL.finditer(text):
        word = m.group(1)
        value, unit = {
            "يومين": (2, "days"),
            "يوميين": (2, "days"),
            "ساعتين": (2, "hours"),
            "اسبوع": (7, "days"),
            "اسبوعين": (14, "days"),
        }[word]
        found.append(Amount(m.start(), m.end(), value, unit))
    return sorted(found, key=lambda a: a.start)


def find_daily(text: str) -> list[tuple[int, int]]:
    """Where the text says the window repeats every day."""
    return [m.span() for m in _DAILY.finditer(text)]


def find_ufn(text: str) -> list[tuple[int, int]]:
    """Where the text says "until further notice"."""
    return [m.span() for m in _UFN.finditer(text)]


def find_notice(text: str) -> Amount | None:
    """Hours of advance notice promised before each window, if the text gives them."""
    m = _NOTICE.search(text)
    if m:
        raw = next(g for g in m.groups() if g)
        return Amount(m.start(), m.end(), _en(raw), "hours")
    m = _AR_NOTICE.search(text)
    if m:
        raw = next(g for g in m.groups() if g)
        return Amount(m.start(), m.end(), _ar(raw), "hours")
    return None


def find_extension(text: str) -> Amount | None:
    """Days by which an existing pause is extended ("extend the truce for two more days")."""
    m = _EXTEND_EN.search(text)
    if m:
        raw = next(g for g in m.groups() if g)
        return Amount(m.start(), m.end(), _en(raw), "days")
    m = _EXTEND_AR.search(text)
    if m:
        dual, number = m.group(1), m.group(2)
        value = 2 if dual else (_ar(number) if number else 1)
        return Amount(m.start(), m.end(), value, "days")
    return None
