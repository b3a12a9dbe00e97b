"""Local wall-clock dates and times in Arabic and English, for texts made on the server.

Arabic uses the month names of the place: the Levantine ones (أيلول, تشرين الثاني) where they
are used (Gaza, Syria, Lebanon, Jordan, Iraq), the names used in Egypt, Sudan, Yemen and the
Gulf (سبتمبر, نوفمبر) elsewhere; digits are Arabic-Indic, as the page does (``Intl`` with
``ar-PS``). English uses ``2 Sep 2024``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

Lang = Literal["ar", "en"]

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_AR = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
MONTHS_AR_OTHER = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
#: Zones whose Arabic speakers name the months the Levantine way.
LEVANTINE_MONTH_ZONES = frozenset(
    {"Asia/Gaza", "Asia/Hebron", "Asia/Jerusalem", "Asia/Damascus", "Asia/Beirut", "Asia/Amman",
     "Asia/Baghdad"}
)  # fmt: skip
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

ZONE_NAMES = {
    "Asia/Gaza": {"en": "Gaza time", "ar": "بتوقيت غزة"},
    "Africa/Khartoum": {"en": "Khartoum time", "ar": "بتوقيت الخرطوم"},
    "Asia/Damascus": {"en": "Damascus time", "ar": "بتوقيت دمشق"},
    "Europe/Kyiv": {"en": "Kyiv time", "ar": "بتوقيت كييف"},
}


def digits(text: str, lang: Lang) -> str:
    """Arabic-Indic digits in Arabic, ASCII digits in English."""
    return text.translate(_ARABIC_DIGITS) if lang == "ar" else text


def zone_label(tz: str, lang: Lang) -> str:
    return ZONE_NAMES.get(tz, {}).get(lang, tz)


def local(seconds: int, tz: str) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone(ZoneInfo(tz))


def month(moment: datetime, lang: Lang) -> str:
    if lang == "en":
        return MONTHS_EN[moment.month - 1]
    zone = getattr(moment.tzinfo, "key", None)
    names = MONTHS_AR if zone in LEVANTINE_MONTH_ZONES else MONTHS_AR_OTHER
    return names[moment.month - 1]


def day_month(moment: datetime, lang: Lang) -> str:
    return digits(f"{moment.day} {month(moment, lang)}", lang)


def clock(moment: datetime, lang: Lang) -> str:
    text = f"{moment:%H:%M}" if moment.second == 0 else f"{moment:%H:%M:%S}"
    return digits(text, lang)


def offset(moment: datetime) -> str:
    raw = moment.strftime("%z")
    return f"UTC{raw[:3]}:{raw[3:]}" if raw else "UTC"


def full(seconds: int, tz: str, lang: Lang) -> str:
    """``2 Sep 2024 15:00`` in the zone's wall clock."""
    moment = local(seconds, tz)
    return digits(f"{day_month(moment, lang)} {moment.year} {clock(moment, lang)}", lang)


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive daily windows with the same wall-clock times (or one window)."""

    first: datetime
    last: datetime
    start: datetime
    end: datetime
    count: int
    open_ended: bool = False


def runs(pairs: list[tuple[int, int]], tz: str, *, open_ended: bool) -> list[Run]:
    """Group windows into daily runs: ``1-4 Sep 06:00-15:00`` rather than four windows."""
    out: list[Run] = []
    for start_s, end_s in pairs:
        start, end = local(start_s, tz), local(end_s, tz)
        if out:
            prev = out[-1]
            same_times = (start.time(), end.time()) == (prev.start.time(), prev.end.time())
            next_day = (start.date() - prev.last.date()).days == 1
            one_day = start.date() == end.date()
            if same_times and next_day and one_day and prev.start.date() == prev.end.date():
                out[-1] = Run(prev.first, start, prev.start, prev.end, prev.count + 1)
                continue
        out.append(Run(start, start, start, end, 1))
    if open_ended and out:
        last = out[-1]
        out[-1] = Run(last.first, last.last, last.start, last.end, last.count, open_ended=True)
    return out


def run_dates(run: Run, lang: Lang) -> str:
    """``1-4 Sep``, ``30 Sep-2 Oct``, ``5 Nov`` (no times)."""
    first, last = run.first, run.last
    if run.count == 1:
        return day_month(first, lang)
    if (first.year, first.month) == (last.year, last.month):
        return digits(f"{first.day}-{last.day} {month(first, lang)}", lang)
    return f"{day_month(first, lang)}-{day_month(last, lang)}"


def run_times(run: Run, lang: Lang) -> str:
    return f"{clock(run.start, lang)}-{clock(run.end, lang)}"


def run_text(run: Run, lang: Lang, *, times: bool = True) -> str:
    """One run, e.g. ``1-4 Sep 06:00-15:00`` or ``daily 08:00-19:00 from 16 Jun ...``."""
    if run.open_ended:
        if lang == "ar":
            return f"يومياً {run_times(run, lang)} من {day_month(run.first, lang)} حتى إشعار آخر"
        return (
            f"daily {run_times(run, lang)} from {day_month(run.first, lang)} until further notice"
        )
    if run.count == 1 and run.start.date() != run.end.date():
        return (
            f"{day_month(run.start, lang)} {clock(run.start, lang)} - "
            f"{day_month(run.end, lang)} {clock(run.end, lang)}"
        )
    if not times:
        return run_dates(run, lang)
    return f"{run_dates(run, lang)} {run_times(run, lang)}"
