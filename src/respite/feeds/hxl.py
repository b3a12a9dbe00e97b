"""HXL 1.1 tagged CSV: the pauses, and their occurrence windows, as humanitarian tables.

Each file is a CSV with a human header row and an HXL hashtag row beneath it, so it opens in a
spreadsheet and in HXL tools alike. Governorate pcodes are an HXL ``+list`` (comma-separated,
as HXL prescribes); free-text cells with several values (organisations, objectives, sources)
use ``"; "`` and are not marked ``+list``, since their values may hold commas. Times are ISO
8601: UTC with ``Z``, and local times with their offset.

``#targeted`` and ``#reached`` count *people* in HXL, so they only add up objectives about
people (children vaccinated, people evacuated, ...) with a ``total`` target, and only the
part's own (a pause-wide figure would be summed once per part row); ``#reached`` takes the
last listed achievement. Trucks, litres, per-day and pause-wide targets are spelt out in
``#activity`` instead.

This module also holds the part facts that the CAP feed shares (occurrence windows, pcodes,
objectives), since both describe a part the same way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from zoneinfo import ZoneInfo

from respite.errors import NotFound
from respite.geometry import AreaCatalogue
from respite.pauses.model import Objective, ObjectiveKind, Text
from respite.pauses.resolve import Part, Pause
from respite.schedule import OneOffWindow, from_utc_seconds

#: Recurring windows last at most 7 days, so an occurrence overlapping [lo, hi) ends before
#: ``hi`` plus this; anything reaching further is open-ended.
_PAD = 8 * 86_400
_PCODE = re.compile(r"^[A-Z]{2}\d+$")
_PER_DAY = {"en": " per day", "ar": " يومياً"}
_PEOPLE = {
    ObjectiveKind.PEOPLE_EVACUATED,
    ObjectiveKind.PATIENTS_TRANSFERRED,
    ObjectiveKind.CHILDREN_VACCINATED,
    ObjectiveKind.HOSTAGES_RELEASED,
    ObjectiveKind.DETAINEES_RELEASED,
}
PAUSE_COLUMNS = (
    ("Pause ID", "#event+id"),
    ("Part ID", "#loc+id"),
    ("Pause name (English)", "#event+name+i_en"),
    ("Pause name (Arabic)", "#event+name+i_ar"),
    ("Kind", "#event+type"),
    ("Status", "#status"),
    ("Version", "#meta+version"),
    ("Governorate pcodes", "#adm1+code+list"),
    ("Zone (English)", "#loc+name+i_en"),
    ("Zone (Arabic)", "#loc+name+i_ar"),
    ("How the zone is approximated", "#description+zone"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("First start (UTC)", "#date+start"),
    ("Last end (UTC)", "#date+end"),
    ("Time zone", "#meta+timezone"),
    ("Announced at (UTC)", "#date+announced"),
    ("Announced by", "#org+announced"),
    ("Agreed by", "#org+agreed"),
    ("Implementing", "#org+impl"),
    ("Objectives", "#activity"),
    ("Movement rules", "#access"),
    ("People targeted", "#targeted"),
    ("People reached", "#reached"),
    ("Sources", "#meta+source"),
    ("Source links", "#meta+source+url"),
)
OCCURRENCE_COLUMNS = (
    ("Pause ID", "#event+id"),
    ("Part ID", "#loc+id"),
    ("Kind", "#event+type"),
    ("Start (UTC)", "#date+start+utc"),
    ("End (UTC)", "#date+end+utc"),
    ("Start (local)", "#date+start+local"),
    ("End (local)", "#date+end+local"),
    ("Time zone", "#meta+timezone"),
)


def pauses_hxl_csv(pauses: Iterable[Pause]) -> str:
    """One row per part of each pause's latest version.

    ``#date+start`` is the first announced window start; ``#date+end`` is the last end after
    amendments, empty when the part runs until further notice.
    """
    rows = []
    for pause in pauses:
        spec, version = pause.spec, pause.latest
        for part in version.parts:
            name = part.name or spec.name
            point = part.zone.representative_point()
            objectives = part_objectives(pause, part)
            people = [o for o in objectives if _counts_people(o, part, len(version.parts))]
            targets = [o.target for o in people if o.target is not None]
            reached = [o.achieved[-1].value for o in people if o.achieved]
            last = part.last_end()
            rows.append(
                [
                    pause.id,
                    part.id,
                    spec.name.en,
                    spec.name.ar or "",
                    pause.kind.value,
                    version.status.value,
                    str(version.version),
                    ", ".join(governorate_pcodes(part)),
                    name.en,
                    name.ar or "",
                    part.zone_spec.approximation or "",
                    f"{point.y:.6f}",
                    f"{point.x:.6f}",
                    _utc(part.first_start()),
                    "" if last is None else _utc(last),
                    pause.timezone,
                    _announced(pause),
                    _join(spec.parties.announced_by),
                    _join(spec.parties.agreed_by),
                    _join(spec.parties.implementing),
                    _join(objective_line(o) for o in objectives),
                    _join(rule.text.en for rule in spec.movement_rules),
                    _number(sum(targets)) if targets else "",
                    _number(sum(reached)) if reached else "",
                    _join(source.title for source in spec.sources),
                    _join(str(source.url) for source in spec.sources if source.url),
                ]
            )
    return hxl_csv(PAUSE_COLUMNS, rows)


def occurrences_hxl_csv(pauses: Iterable[Pause], lo: int, hi: int) -> str:
    """One row per occurrence window (latest version) overlapping [lo, hi) UTC seconds."""
    rows = []
    for pause in pauses:
        tz = ZoneInfo(pause.timezone)
        for part in pause.latest.parts:
            for start, end in part_occurrences(part, lo, hi):
                rows.append(
                    [
                        pause.id,
                        part.id,
                        pause.kind.value,
                        _utc(start),
                        "" if end is None else _utc(end),
                        from_utc_seconds(start).astimezone(tz).isoformat(),
                        "" if end is None else from_utc_seconds(end).astimezone(tz).isoformat(),
                        pause.timezone,
                    ]
                )
    rows.sort(key=lambda row: (row[3], row[0], row[1]))
    return hxl_csv(OCCURRENCE_COLUMNS, rows)


# -- part facts shared with the CAP feed ---------------------------------------------------------


def part_occurrences(part: Part, lo: int, hi: int) -> list[tuple[int, int | None]]:
    """The part's occurrence windows overlapping [lo, hi), unclipped; ``None`` is an open end.

    Windows keep their true start and end even where they stick out of [lo, hi), so the same
    occurrence is described the same way whatever span is asked for.
    """
    if hi <= lo:
        return []
    last = part.last_end()
    if last is not None:
        upper = last
    else:
        ends = [w.end for w in part.windows if isinstance(w, OneOffWindow)]
        finite = [int(end.timestamp()) for end in ends if end is not None]
        upper = max([hi + _PAD, *(end + 1 for end in finite)])
    spans = part.coverage(min(part.first_start(), lo), max(upper, lo))
    return [(s, None if last is None and e >= upper else e) for s, e in spans if e > lo and s < hi]


def governorate_pcodes(part: Part) -> tuple[str, ...]:
    """OCHA pcodes of a governorate zone (names are looked up in the bundled catalogue)."""
    codes = []
    for ref in part.zone_spec.governorates or ():
        # A name from another catalogue is skipped: the polygons still say where the zone is.
        with suppress(NotFound):
            codes.append(ref if _PCODE.match(ref) else AreaCatalogue.bundled().governorate(ref).ref)
    return tuple(codes)


def part_objectives(pause: Pause, part: Part) -> list[Objective]:
    """Objectives for this part: its own, and those of the whole pause."""
    return [o for o in pause.spec.objectives if o.part in (None, part.id)]


def objective_line(objective: Objective, language: str = "en") -> str:
    """``Aid trucks into Gaza: 200 trucks per day`` (the target, where one is set).

    Arabic falls back to English where the objective has no Arabic description.
    """
    text = pick(objective.description, language)
    if objective.target is None:
        return text
    per = _PER_DAY[language] if objective.per == "day" else ""
    return f"{text}: {objective.target:,.0f} {objective.unit or ''}".rstrip() + per


def pick(text: Text, language: str) -> str:
    """The text in ``language`` (any tag given), falling back to English."""
    return text.get(language) or text.en


# -- helpers -------------------------------------------------------------------------------------


def hxl_csv(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]]) -> str:
    """CSV with the header row, then the HXL hashtag row, then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for header, _ in columns])
    writer.writerow([tag for _, tag in columns])
    writer.writerows(rows)
    return out.getvalue()


def _counts_people(objective: Objective, part: Part, parts: int) -> bool:
    # A pause-wide figure on each of several part rows would be added up once per row.
    own = objective.part == part.id or (objective.part is None and parts == 1)
    return own and objective.kind in _PEOPLE and objective.per == "total"


def _announced(pause: Pause) -> str:
    first = pause.versions[0].effective_at
    return "" if first is None else _utc(first)


def _utc(seconds: int) -> str:
    return from_utc_seconds(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def _join(values: Iterable[str]) -> str:
    return "; ".join(values)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["hxl_csv", "occurrences_hxl_csv", "part_occurrences", "pauses_hxl_csv"]
