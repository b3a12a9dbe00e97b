"""Calendar dates in announcements, anchored at the text's own date.

"today", "tomorrow", "on Thursday" (the next Thursday on or after the anchor), "September 1",
"1 September", "May 5, 6 and 7", "from Thursday to Saturday", Arabic "اليوم", "غدا", "يوم
الخميس", "27 فبراير", "4 تشرين الثاني/نوفمبر", "17 سبتمبر/أيلول", "يوم العشرين من الشهر الجاري",
with English, Modern Standard, Levantine and Maghrebi month names. A date without a year takes
the year that puts it nearest the anchor. Days named as when something was *said* ("Kirby said
Thursday") are marked so that they are not taken for a window's date.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .clock import folded_pattern, word_pattern
from .normalise import fold_name

__all__ = ["DateMention", "find_dates"]

_EN_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_AR_MONTHS_RAW = {
    1: ["يناير", "كانون الثاني", "جانفي"],
    2: ["فبراير", "شباط", "فيفري"],
    3: ["مارس", "آذار"],
    4: ["أبريل", "ابريل", "نيسان", "أفريل"],
    5: ["مايو", "أيار", "ماي"],
    6: ["يونيو", "حزيران", "جوان"],
    7: ["يوليو", "تموز", "جويلية", "يوليوز"],
    8: ["أغسطس", "آب", "أوت", "غشت"],
    9: ["سبتمبر", "أيلول", "شتنبر"],
    10: ["أكتوبر", "تشرين الأول", "تشرين اول"],
    11: ["نوفمبر", "تشرين الثاني", "نونبر"],
    12: ["ديسمبر", "كانون الأول", "كانون اول", "دجنبر"],
}
_AR_MONTHS = {fold_name(name): month for month, names in _AR_MONTHS_RAW.items() for name in names}
_MONTHS = {**_EN_MONTHS, **_AR_MONTHS}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    fold_name("الاثنين"): 0,
    fold_name("الإثنين"): 0,
    fold_name("الثلاثاء"): 1,
    fold_name("الأربعاء"): 2,
    fold_name("الخميس"): 3,
    fold_name("الجمعة"): 4,
    fold_name("السبت"): 5,
    fold_name("الأحد"): 6,
}
_WEEKDAY_RE = "|".join(sorted((re.escape(w) for w in _WEEKDAYS), key=len, reverse=True))
_AR_ORDINAL_DAYS = {
    fold_name(k): v
    for k, v in {
        "الأول": 1,
        "الثاني": 2,
        "الثالث": 3,
        "الرابع": 4,
        "الخامس": 5,
        "العاشر": 10,
        "العشرين": 20,
        "الخامس عشر": 15,
    }.items()
}

_DAY_MONTH = re.compile(
    r"(?<![\w])(\d{1,2})(?:st|nd|rd|th)?\s*(?:من\s+)?(?:of\s+)?("
    + _MONTH_RE
    + r")(?:\s*/\s*(?:"
    + _MONTH_RE
    + r"))?(?:,?\s*(\d{4}))?(?![\w])"
)
_MONTH_DAYS = re.compile(
    r"(?<![\w])("
    + "|".join(re.escape(m) for m in _EN_MONTHS if len(m) > 3 or m == "may")
    + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?"
    + r"((?:\s*(?:,|and|&)\s*\d{1,2}(?![\d:]))*)"  # "May 5, 6 and 7"
    + r"(?:,?\s*(\d{4}))?(?![\w:])"
)
_WEEKDAY = re.compile(r"(?<![\w])(?:[وف]?(?:يوم\s+|ال)?)?(" + _WEEKDAY_RE + r")(?![\w])")
_WEEKDAY_AR = folded_pattern(
    r"(?<![\w])(?:[وف]?(?:ل|ب)?(?:يوم\s+|اليوم\s+)?)(الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)(?![\w])"
)
_TODAY = word_pattern(
    "today",
    "tonight",
    "this morning",
    "this afternoon",
    "this evening",
    "اليوم",
    "صباح اليوم",
    "مساء اليوم",
    "هذا الصباح",
)
_TOMORROW = folded_pattern(r"(?<![\w])(tomorrow|غدا|غداً|الغد|يوم غد)(?![\w])")
_CURRENT_MONTH = folded_pattern(
    r"(?<![\w])يوم\s+([^\s]+(?:\s+عشر)?)\s+من\s+الشهر\s+(?:الجاري|الحالي)"
)
_PAST = folded_pattern(r"(?:yesterday|last|أمس|وأمس|الماضي)\W*$")
_SAID = folded_pattern(
    r"(?:said|says|announced|told reporters|confirmed|stated|قال|قالت|أعلن|أعلنت|أكد|أكدت|ذكرت)"
    r"(?:\s+\w+){0,3}\s+(?:on\s+|في\s+|,\s*)?$"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A local calendar date at folded positions; ``days`` lists every day of "May 5, 6 and 7"."""

    start: int
    end: int
    value: date
    days: tuple[date, ...]
    relative: bool
    said: bool  # the day something was said, not when it happens


def _nearest_year(anchor: date, month: int, day: int) -> date | None:
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - anchor).days)) if options else None


def _explicit(year: str | None, month: int, day: int, anchor: date) -> date | None:
    if year:
        try:
            return date(int(year), month, day)
        except ValueError:
            return None
    return _nearest_year(anchor, month, day)


def find_dates(text: str, anchor: date) -> list[DateMention]:
    """Every date expression in folded ``text``, in order; overlaps resolved to the longest."""
    found: list[DateMention] = []

    def add(start: int, end: int, days: list[date], relative: bool) -> None:
        said = bool(_SAID.search(text[max(0, start - 40) : start])) and relative
        found.append(DateMention(start, end, days[0], tuple(days), relative, said))

    for m in _DAY_MONTH.finditer(text):
        value = _explicit(m.group(3), _MONTHS[m.group(2)], int(m.group(1)), anchor)
        if value:
            add(m.start(), m.end(), [value], False)
    for m in _MONTH_DAYS.finditer(text):
        month = _EN_MONTHS[m.group(1)]
        numbers = [int(m.group(2)), *(int(n) for n in re.findall(r"\d{1,2}", m.group(3) or ""))]
        days = [d for d in (_explicit(m.group(4), month, n, anchor) for n in numbers) if d]
        if days:
            add(m.start(), m.end(), days, False)
    for pattern in (_WEEKDAY, _WEEKDAY_AR):
        for m in pattern.finditer(text):
            weekday = _WEEKDAYS.get(m.group(1))
            if weekday is None:
                continue
            ahead = (weekday - anchor.weekday()) % 7
            if _PAST.search(text[max(0, m.start() - 14) : m.start()]):  # "yesterday, Monday"
                ahead = -((anchor.weekday() - weekday) % 7 or 7)
            add(m.start(), m.end(), [anchor + timedelta(days=ahead)], True)
    for m in _TODAY.finditer(text):
        add(m.start(), m.end(), [anchor], True)
    for m in _TOMORROW.finditer(text):
        add(m.start(), m.end(), [anchor + timedelta(days=1)], True)
    for m in _CURRENT_MONTH.finditer(text):
        day = _AR_ORDINAL_DAYS.get(m.group(1))
        if day:
            with contextlib.suppress(ValueError):  # "the 31st of this month" in a 30-day month
                add(m.start(), m.end(), [anchor.replace(day=day)], False)
    chosen: list[DateMention] = []
    for item in sorted(found, key=lambda d: (-(d.end - d.start), d.start)):
        if all(item.end <= c.start or c.end <= item.start for c in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda d: d.start)
