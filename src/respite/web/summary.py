"""A plain-text summary of a pause short enough for one SMS (at most 160 characters).

The most informative text that fits is chosen: the full name, then the name without its
parenthesis, then up to its first comma; windows per part, then with shared times said once;
only if nothing fits is the name cut with an ellipsis. Times are the zone's wall clock, and
the zone is named ("Gaza time").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from respite.pauses.model import PauseStatus
from respite.pauses.resolve import Pause
from respite.web.localtime import Lang, Run, digits, run_text, run_times, runs, zone_label

SMS_LIMIT = 160

_STATUS = {
    PauseStatus.ENDED: {"en": "Ended", "ar": "انتهت"},
    PauseStatus.CANCELLED: {"en": "Cancelled", "ar": "أُلغيت"},
    PauseStatus.SUSPENDED: {"en": "Suspended", "ar": "عُلّقت"},
    PauseStatus.DRAFT: {"en": "Draft", "ar": "مسودة"},
    PauseStatus.POSTPONED: {"en": "Postponed", "ar": "أُجّلت"},
    PauseStatus.PARTIALLY_POSTPONED: {"en": "Partly postponed", "ar": "أُجّلت جزئياً"},
    PauseStatus.PARTIALLY_SUSPENDED: {"en": "Partly suspended", "ar": "عُلّقت جزئياً"},
    PauseStatus.BROKEN: {"en": "Reported broken", "ar": "أُفيد بخرقها"},
}
_PAREN = re.compile(r"\s*\([^)]*\)")
_NO_WINDOWS = {"en": "no windows", "ar": "لا نوافذ"}


def _names(full: str) -> list[str]:
    """The name, then shorter forms of it, most informative first."""
    plain = _PAREN.sub("", full).strip()
    first_clause = re.split(r"[,،]", plain)[0].strip()
    return list(dict.fromkeys(n for n in (full, plain, first_clause) if n))


def _part_runs(pause: Pause, lang: Lang, lo: int, hi: int) -> list[tuple[str, list[Run]]]:
    out = []
    for part in pause.latest.parts:
        pairs = [(int(s), int(e)) for s, e in part.coverage(lo, hi).clip(lo, hi)]
        if part.is_open_ended:
            # The last window is cut by the horizon, not by the pause: leave it out.
            pairs = [(s, e) for s, e in pairs if e < hi]
        text = part.name or pause.spec.name
        name = _PAREN.sub("", (text.ar or text.en) if lang == "ar" else text.en).strip()
        out.append((name, runs(pairs, pause.timezone, open_ended=part.is_open_ended)))
    return out


def _years(all_runs: list[Run], lang: Lang) -> str:
    years = sorted(
        {r.first.year for r in all_runs} | {r.end.year for r in all_runs if not r.open_ended}
    )
    text = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return digits(text, lang)


def _schedules(pause: Pause, lang: Lang, lo: int, hi: int) -> Iterator[str]:
    parts = _part_runs(pause, lang, lo, hi)
    all_runs = [r for _, rs in parts for r in rs]
    if not all_runs:
        yield _NO_WINDOWS[lang]
        return
    comma, semicolon = ("، ", "؛ ") if lang == "ar" else (", ", "; ")
    tail = f" ({_years(all_runs, lang)}{comma}{zone_label(pause.timezone, lang)})"
    single = len(parts) == 1

    def listed(times: bool) -> str:
        chunks = []
        for name, rs in parts:
            text = comma.join(run_text(r, lang, times=times) for r in rs) or _NO_WINDOWS[lang]
            chunks.append(text if single else f"{name} {text}")
        return semicolon.join(chunks)

    yield listed(times=True) + tail
    shared = {run_times(r, lang) for r in all_runs}
    if len(shared) == 1 and not any(r.open_ended for r in all_runs):
        yield f"{listed(times=False)}{comma}{shared.pop()}{tail}"


def movement_texts(pause: Pause, lang: Lang) -> list[str]:
    """Who may move and which way, from the first part that says so (else the pause's
    rules): the text written in ``lang`` first, then the structured line."""
    for part in pause.latest.parts:
        movement = part.movement
        if movement is not None:
            own = movement.text.get(lang) if movement.text is not None else None
            structured = movement.describe() if lang == "en" else None
            return [t for t in (own, structured) if t]
    rules = " ".join(r.text.get(lang) or r.text.en for r in pause.spec.movement_rules)
    return [rules] if rules else []


def sms_text(pause: Pause, lang: Lang, lo: int, hi: int) -> str:
    """At most 160 characters: status, name, windows, and movement rules if they fit."""
    # The schedule matters more than the movement rules: these come only where they fit,
    # with a shorter form of the name if need be.
    for movement in movement_texts(pause, lang):
        with_movement = _fitting(pause, lang, lo, hi, f". {movement.rstrip('.')}")
        if with_movement is not None:
            return with_movement
    return _fitting(pause, lang, lo, hi) or _cut(pause, lang, lo, hi)


def _fitting(pause: Pause, lang: Lang, lo: int, hi: int, suffix: str = "") -> str | None:
    name = pause.spec.name.ar if lang == "ar" and pause.spec.name.ar else pause.spec.name.en
    status = _STATUS.get(pause.latest.status, {}).get(lang)
    prefix = f"{status}: " if status else ""
    for schedule in _schedules(pause, lang, lo, hi):
        for title in _names(name):
            text = f"{prefix}{title}: {schedule}{suffix}"
            if len(text) <= SMS_LIMIT:
                return text
    return None


def _cut(pause: Pause, lang: Lang, lo: int, hi: int) -> str:
    name = pause.spec.name.ar if lang == "ar" and pause.spec.name.ar else pause.spec.name.en
    status = _STATUS.get(pause.latest.status, {}).get(lang)
    prefix = f"{status}: " if status else ""
    schedules = list(_schedules(pause, lang, lo, hi))
    colon = ": "
    schedule = min(schedules, key=len)
    room = SMS_LIMIT - len(prefix) - len(colon) - len(schedule) - 1
    title = _names(name)[-1]
    if room >= 10:
        return f"{prefix}{title[:room].rstrip()}…{colon}{schedule}"
    return f"{prefix}{title}{colon}{schedule}"[: SMS_LIMIT - 1] + "…"
