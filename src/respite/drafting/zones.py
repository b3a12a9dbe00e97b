"""Time zones named in a text ("Khartoum time", "بتوقيت موسكو", "local time").

A zone stated next to a time is the zone of that time, whatever the place: the Azovstal corridor
of May 2022 was announced in Moscow time for a plant in Mariupol.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import folded_pattern

__all__ = ["ZoneMention", "find_zones"]

_ZONES = {
    "Africa/Khartoum": ("khartoum time", "بتوقيت الخرطوم", "بتوقيت السودان"),
    "Europe/Moscow": ("moscow time", "بتوقيت موسكو"),
    "Europe/Kyiv": ("kyiv time", "kiev time", "ukraine time", "بتوقيت كييف"),
    "Asia/Damascus": ("damascus time", "بتوقيت دمشق"),
    "Asia/Gaza": ("gaza time", "بتوقيت غزة", "بتوقيت فلسطين"),
    "Asia/Jerusalem": ("jerusalem time", "israel time", "بتوقيت القدس"),
    "Asia/Aden": ("yemen time", "aden time", "بتوقيت اليمن"),
}
_PATTERNS = [
    (zone, folded_pattern(r"(?<![\w])(?:" + "|".join(names) + r")(?![\w])"))
    for zone, names in _ZONES.items()
]


@dataclass(frozen=True, slots=True)
class ZoneMention:
    start: int
    end: int
    zone: str


def find_zones(text: str) -> list[ZoneMention]:
    """Every named time zone in folded ``text``, in order."""
    found = [
        ZoneMention(m.start(), m.end(), zone) for zone, p in _PATTERNS for m in p.finditer(text)
    ]
    return sorted(found, key=lambda z: z.start)
