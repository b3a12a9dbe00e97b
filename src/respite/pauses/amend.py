"""Replaying one amendment onto a version: part-level actions, each from its effective time.

Every action names its ``parts`` (default: every part not yet final) and leaves the others
alone; a part that is ended or cancelled takes no further amendment. A changed part keeps its
previous state as an :class:`~respite.pauses.parts.Era` up to the amendment's effective time,
so the past stays as it was announced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from respite.errors import InvalidInput, Problem
from respite.geometry import AreaCatalogue
from respite.pauses.model import Amendment, AmendmentAction, PartStatus, Visibility
from respite.pauses.parts import (
    FOREVER,
    BrokenReport,
    Era,
    LateNotice,
    Part,
    window_end,
    window_start,
)
from respite.pauses.resolve_parts import instant, local_date, resolve_part, resolve_windows
from respite.pauses.status import derive
from respite.pauses.versions import PauseVersion
from respite.schedule import OneOffWindow, Window

Action = AmendmentAction


def amend(
    current: PauseVersion,
    amendment: Amendment,
    tz: ZoneInfo,
    catalogue: AreaCatalogue,
    pause_id: str,
    where: str,
    *,
    notice_hours: float | None = None,
) -> PauseVersion:
    """The version ``amendment`` makes from ``current``; raises :class:`InvalidInput`."""
    at = instant(amendment.effective_at, tz)
    if current.effective_at is not None and at < current.effective_at:
        raise InvalidInput(
            "effective_at is earlier than the version it amends", location=f"{where}.effective_at"
        )
    announced = instant(amendment.announced_at, tz) if amendment.announced_at else at
    made = PauseVersion(
        amendment.version,
        current.status,
        at,
        current.parts,
        amendment,
        announced,
        current.visibility,
    )
    action = amendment.action
    if action is Action.PUBLISH:
        if current.is_public:
            raise InvalidInput("the pause is already public", location=f"{where}.action")
        return replace(made, visibility=Visibility.PUBLIC)
    if action is Action.REPLACE_PARTS:
        parts = _replace_parts(current, amendment, tz, catalogue, pause_id, where, at)
    else:
        selected = _selected(current, amendment, where)
        change = _change(amendment, tz, at, announced, where, notice_hours)
        parts = tuple(
            _successor(part, change(part), at) if part.id in selected else part
            for part in current.parts
        )
    return replace(made, parts=parts, status=derive(p.status for p in parts))


def _successor(old: Part, new: Part, at: int) -> Part:
    """``new`` from ``at`` on, with ``old`` kept as it was until then."""
    if old.since >= at:
        return replace(new, since=at, earlier=old.earlier)
    era = Era(old.since, at, old.zone, old.windows, old.removed, old.status)
    return replace(new, since=at, earlier=(*old.earlier, era))


def _change(
    amendment: Amendment,
    tz: ZoneInfo,
    at: int,
    announced: int,
    where: str,
    notice_hours: float | None,
) -> Callable[[Part], Part]:
    action = amendment.action
    until = instant(amendment.until, tz) if amendment.until else None

    def running(part: Part) -> PartStatus:
        return PartStatus.DRAFT if part.status is PartStatus.DRAFT else PartStatus.ANNOUNCED

    def cut(part: Part, start: int, end: int = FOREVER) -> tuple[tuple[int, int], ...]:
        return (*part.removed, (start, end))

    if action is Action.EXTEND:
        assert until is not None
        return lambda p: _extend(p, until, f"{where}.until")
    if action is Action.SHORTEN:
        assert until is not None
        return lambda p: _shorten(p, until, f"{where}.until")
    if action is Action.SUSPEND:
        end = until if until is not None else FOREVER
        if end <= at:
            raise InvalidInput("until must be after effective_at", location=f"{where}.until")
        halted = PartStatus.SUSPENDED if until is None else None
        return lambda p: replace(p, removed=cut(p, at, end), status=halted or p.status)
    if action is Action.RESUME:
        return lambda p: replace(_resume(p, at, f"{where}.action"), status=running(p))
    if action in (Action.END, Action.CANCEL):
        final = PartStatus.ENDED if action is Action.END else PartStatus.CANCELLED
        return lambda p: replace(p, removed=cut(p, at), status=final)
    if action is Action.POSTPONE:
        return _postpone(amendment, tz, at, where, running, cut)
    if action is Action.REPORT_BROKEN:
        return _report_broken(amendment, tz, at, where)
    assert action is Action.ANNOUNCE_WINDOW
    return _announce(amendment, tz, announced, where, notice_hours)


def _postpone(
    amendment: Amendment,
    tz: ZoneInfo,
    at: int,
    where: str,
    running: Callable[[Part], PartStatus],
    cut: Callable[[Part, int], tuple[tuple[int, int], ...]],
) -> Callable[[Part], Part]:
    if amendment.windows is not None:
        problems: list[Problem] = []
        windows = resolve_windows(amendment.windows, tz, f"{where}.windows", problems)
        if windows is None:
            raise InvalidInput(problems)
        return lambda p: replace(p, windows=windows, removed=(), status=running(p))
    first_date = amendment.first_date
    if first_date is not None:
        return lambda p: replace(
            p, windows=_moved(p, first_date, tz, f"{where}.first_date"), status=running(p)
        )
    # Postponed without a new date: nothing from `at` on until a later amendment says when.
    return lambda p: replace(p, removed=cut(p, at), status=PartStatus.POSTPONED)


def _moved(part: Part, first_date: date, tz: ZoneInfo, where: str) -> tuple[Window, ...]:
    if not part.windows:
        raise InvalidInput(
            f"part {part.id!r} has no windows to move; give 'windows'", location=where
        )
    shift = first_date - local_date(min(window_start(w) for w in part.windows), tz)
    moved: list[Window] = []
    for window in part.windows:
        if isinstance(window, OneOffWindow):
            start = _shift_local(window.start, shift, tz)
            end = None if window.end is None else _shift_local(window.end, shift, tz)
            moved.append(OneOffWindow(start, end))
        else:
            rule = window.rule
            if rule.until is not None:
                rule = replace(rule, until=rule.until + shift)
            moved.append(replace(window, first_date=window.first_date + shift, rule=rule))
    return tuple(moved)


def _shift_local(moment: datetime, shift: timedelta, tz: ZoneInfo) -> datetime:
    local = moment.astimezone(tz).replace(tzinfo=None) + shift
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def _report_broken(
    amendment: Amendment, tz: ZoneInfo, at: int, where: str
) -> Callable[[Part], Part]:
    assert amendment.reported_by is not None and amendment.reported_at is not None
    reported_by, reported_at = amendment.reported_by, instant(amendment.reported_at, tz)
    span = amendment.span

    def mark(part: Part) -> Part:
        if span is not None:
            start = instant(span.start, tz)
            end = FOREVER if span.end is None else instant(span.end, tz)
            if end <= start:
                raise InvalidInput("end must be after start", location=f"{where}.span.end")
        else:
            open_now = [(s, e) for s, e in part.coverage(at - 8 * 86_400, at + 1) if s <= at < e]
            if not open_now:
                raise InvalidInput(
                    f"no window of part {part.id!r} is open at effective_at; give 'span' "
                    "(the time the report concerns)",
                    location=f"{where}.span",
                )
            start, _ = open_now[0]
            end = next(e for s, e in part.coverage(start, at + 8 * 86_400) if s <= at < e)
        report = BrokenReport(
            start, end, reported_by, reported_at, amendment.source.title, amendment.version
        )
        status = part.status if part.status is PartStatus.DRAFT else PartStatus.BROKEN
        return replace(part, broken=(*part.broken, report), status=status)

    return mark


def _announce(
    amendment: Amendment,
    tz: ZoneInfo,
    announced: int,
    where: str,
    notice_hours: float | None,
) -> Callable[[Part], Part]:
    assert amendment.windows is not None
    problems: list[Problem] = []
    windows = resolve_windows(amendment.windows, tz, f"{where}.windows", problems)
    if windows is None:
        raise InvalidInput(problems)
    (window,) = windows

    def add(part: Part) -> Part:
        notice = part.promise.notice_hours if part.promise is not None else notice_hours
        start = window_start(window)
        late = part.late_notices
        if notice is not None and announced > start - int(notice * 3600):
            late = (*late, LateNotice(start, announced, notice, amendment.version))
        return replace(part, windows=(*part.windows, window), late_notices=late)

    return add


def _replace_parts(
    current: PauseVersion,
    amendment: Amendment,
    tz: ZoneInfo,
    catalogue: AreaCatalogue,
    pause_id: str,
    where: str,
    at: int,
) -> tuple[Part, ...]:
    assert amendment.new_parts is not None
    problems: list[Problem] = []
    status = (
        PartStatus.DRAFT
        if all(p.status is PartStatus.DRAFT for p in current.parts)
        else PartStatus.ANNOUNCED
    )
    new = [
        resolve_part(pause_id, spec, tz, catalogue, f"{where}.new_parts[{i}]", problems, status)
        for i, spec in enumerate(amendment.new_parts)
    ]
    if problems:
        raise InvalidInput(problems)
    old = {part.id: part for part in current.parts}
    made = [
        _successor(old[p.id], p, at) if p.id in old else replace(p, since=at)
        for p in new
        if p is not None
    ]
    # A part left out of the new list ended when it was replaced; its past stays.
    kept = {p.id for p in made}
    for part in current.parts:
        if part.id not in kept:
            ended = replace(part, removed=(*part.removed, (at, FOREVER)), status=PartStatus.ENDED)
            made.append(_successor(part, ended, at))
    return tuple(made)


def _selected(current: PauseVersion, amendment: Amendment, where: str) -> set[str]:
    known = {part.id: part for part in current.parts}
    action = amendment.action.value
    if amendment.parts is None:
        live = {part.id for part in current.parts if not part.is_final}
        if not live:
            raise InvalidInput(
                f"the pause is {current.status.value} (version {current.version}): every part "
                f"is ended or cancelled, so it cannot be amended with {action}",
                location=f"{where}.action",
            )
        return live
    for name in amendment.parts:
        if name not in known:
            raise InvalidInput(
                f"unknown part {name!r}; this version has {', '.join(known)}",
                location=f"{where}.parts",
            )
        if known[name].is_final:
            raise InvalidInput(
                f"part {name!r} is {known[name].status.value} (version {current.version}); "
                f"a final part cannot be amended with {action}",
                location=f"{where}.parts",
            )
    return set(amendment.parts)


def _extend(part: Part, until: int, where: str) -> Part:
    current_end = part.last_end()
    if current_end is None:
        raise InvalidInput(f"part {part.id!r} is already until further notice", location=where)
    if until <= current_end:
        raise InvalidInput(
            f"extend must move the end of part {part.id!r} later than {_iso(current_end)}",
            location=where,
        )
    # The window that ends last is the one extended; cuts at or after its old end (a
    # shortening now superseded) are lifted. The new end is exact: a recurring window gets
    # UNTIL and a cut at `until`, so an occurrence that would run past it stops there.
    windows = list(part.windows)
    last = max(range(len(windows)), key=lambda i: window_end(windows[i]) or FOREVER)
    window = windows[last]
    new_end = datetime.fromtimestamp(until, UTC)
    removed = [(s, e) for s, e in part.removed if not (e >= FOREVER and s >= current_end)]
    if isinstance(window, OneOffWindow):
        windows[last] = OneOffWindow(window.start, new_end)
    else:
        windows[last] = replace(window, rule=replace(window.rule, count=None, until=new_end))
        removed.append((until, FOREVER))
    extended = replace(part, windows=tuple(windows), removed=tuple(removed))
    new_last = extended.last_end()
    if new_last is None or new_last <= current_end:
        raise InvalidInput(
            f"extending part {part.id!r} to {_iso(until)} adds no window: its next occurrence "
            "starts later; extend to a time inside that occurrence",
            location=where,
        )
    return extended


def _shorten(part: Part, until: int, where: str) -> Part:
    current_end = part.last_end()
    if current_end is not None and until >= current_end:
        raise InvalidInput(
            f"shorten must move the end of part {part.id!r} earlier than {_iso(current_end)}",
            location=where,
        )
    return replace(part, removed=(*part.removed, (until, FOREVER)))


def _resume(part: Part, at: int, where: str) -> Part:
    open_ones = [i for i, (s, e) in enumerate(part.removed) if e >= FOREVER and s <= at]
    if not open_ones:
        raise InvalidInput(f"part {part.id!r} has no open suspension to resume", location=where)
    removed = list(part.removed)
    start, _ = removed[open_ones[-1]]
    removed[open_ones[-1]] = (start, at)
    return replace(part, removed=tuple(removed))


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()
