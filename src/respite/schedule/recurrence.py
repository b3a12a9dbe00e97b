"""The subset of RFC 5545 recurrence rules (RRULE) that Respite understands.

Supported parts: ``FREQ`` (``DAILY`` or ``WEEKLY``), ``INTERVAL``, ``BYDAY`` (plain two-letter
day codes), ``COUNT``, ``UNTIL`` and ``WKST=MO``. Weeks always start on Monday. Anything else
(monthly rules, ``BYMONTH``, ordinal days such as ``1MO``...) is refused with a
:class:`~respite.errors.ScheduleError` rather than silently ignored, because a pause that
recurs on the wrong days is worse than one that is rejected.

Semantics follow RFC 5545 section 3.3.10:

* ``BYDAY`` on a ``WEEKLY`` rule selects days inside each week; on a ``DAILY`` rule it limits
  the days the rule produces (``FREQ=DAILY;INTERVAL=2;BYDAY=MO`` = every other day, if Monday).
* ``COUNT`` and ``UNTIL`` are mutually exclusive; with neither the rule is open-ended
  ("until further notice").
* ``UNTIL`` is inclusive and compared with each occurrence's UTC start. It is stored as an
  aware UTC datetime. A date-only ``UNTIL=YYYYMMDD`` is read as the last second of that day
  in UTC (``YYYYMMDDT235959Z``): the rule itself has no time zone to interpret it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal, get_args

from respite.errors import Problem, ScheduleError

__all__ = ["WEEKDAY_CODES", "Freq", "RecurrenceRule"]

Freq = Literal["DAILY", "WEEKLY"]
WEEKDAY_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545 day codes, indexed like :meth:`datetime.date.weekday` (Monday = 0)."""

_FREQS: Final = get_args(Freq)
_OTHER_RFC_PARTS: Final = frozenset(
    {"BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS"}
)
_SUPPORTED_PARTS: Final = "FREQ, INTERVAL, BYDAY, COUNT, UNTIL, WKST"
_UNTIL_UTC = re.compile(r"^\d{8}T\d{6}Z$")
_UNTIL_DATE = re.compile(r"^\d{8}$")
_ORDINAL_DAY = re.compile(r"^[+-]?\d{1,2}(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL_FORMS: Final = "use UTC form YYYYMMDDTHHMMSSZ or a date YYYYMMDD"


def _freq_problem(value: object) -> Problem:
    return Problem("freq", f"FREQ={value} is not supported (DAILY or WEEKLY)")


def _positive_problem(key: str, value: object) -> Problem | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return Problem(key.lower(), f"{key}={value} must be a whole number of at least 1")


def _day_problem(code: str) -> Problem | None:
    if code in WEEKDAY_CODES:
        return None
    if _ORDINAL_DAY.match(code):
        return Problem(
            "byday",
            f"BYDAY={code}: ordinal days only apply to MONTHLY/YEARLY rules, "
            "which are not supported; use a plain day code such as MO",
        )
    return Problem("byday", f"BYDAY={code} is not a day code (MO, TU, WE, TH, FR, SA, SU)")


def _format_until(until: datetime) -> str:
    return until.strftime("%Y%m%dT%H%M%SZ")


def _parse_until(value: str) -> datetime:
    if _UNTIL_UTC.match(value):
        text, fmt = value, "%Y%m%dT%H%M%SZ"
    elif _UNTIL_DATE.match(value):
        # A bare date bounds the whole of that (UTC) day: UNTIL is inclusive.
        text, fmt = value + "T235959Z", "%Y%m%dT%H%M%SZ"
    else:
        raise ScheduleError([Problem("until", f"UNTIL={value} is not valid; {_UNTIL_FORMS}")])
    try:
        return datetime.strptime(text, fmt).replace(tzinfo=UTC)
    except ValueError:
        raise ScheduleError(
            [Problem("until", f"UNTIL={value} is not a real date and time")]
        ) from None


@dataclass(frozen=True)
class RecurrenceRule:
    """A ``DAILY`` or ``WEEKLY`` RFC 5545 recurrence rule.

    Parameters
    ----------
    freq
        ``"DAILY"`` or ``"WEEKLY"``.
    interval
        Every ``interval``-th day or week (``INTERVAL``), at least 1.
    byday
        Two-letter day codes (``BYDAY``). Stored de-duplicated in Monday-first order.
    count
        Total number of occurrences (``COUNT``), at least 1.
    until
        Aware datetime bounding occurrence starts, inclusive (``UNTIL``); stored in UTC,
        sub-seconds dropped. Not allowed together with ``count``.

    Raises
    ------
    ScheduleError
        Listing every invalid field.

    Examples
    --------
    >>> rule = RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=WE,MO;COUNT=4")
    >>> rule.byday, rule.count
    (('MO', 'WE'), 4)
    >>> rule.to_rrule()
    'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4'
    """

    freq: Freq
    interval: int = 1
    byday: tuple[str, ...] = ()
    count: int | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        freq = self.freq.upper() if isinstance(self.freq, str) else self.freq
        if freq in _FREQS:
            object.__setattr__(self, "freq", freq)
        else:
            problems.append(_freq_problem(self.freq))
        if (p := _positive_problem("INTERVAL", self.interval)) is not None:
            problems.append(p)
        if self.count is not None and (p := _positive_problem("COUNT", self.count)) is not None:
            problems.append(p)
        problems.extend(self._normalise_byday())
        problems.extend(self._normalise_until())
        if self.count is not None and self.until is not None:
            problems.append(
                Problem("until", "COUNT and UNTIL cannot both be given (RFC 5545); use one")
            )
        if problems:
            raise ScheduleError(problems)

    def _normalise_byday(self) -> list[Problem]:
        if isinstance(self.byday, str):
            return [Problem("byday", "expected a sequence of day codes such as ('MO', 'WE')")]
        codes: list[str] = []
        problems: list[Problem] = []
        for raw in self.byday:
            code = raw.strip().upper() if isinstance(raw, str) else str(raw)
            if (p := _day_problem(code)) is not None:
                problems.append(p)
            else:
                codes.append(code)
        ordered = tuple(c for c in WEEKDAY_CODES if c in codes)
        object.__setattr__(self, "byday", ordered)
        return problems

    def _normalise_until(self) -> list[Problem]:
        until = self.until
        if until is None:
            return []
        if not isinstance(until, datetime):
            return [Problem("until", f"expected a datetime, got {type(until).__name__}")]
        if until.tzinfo is None or until.utcoffset() is None:
            return [Problem("until", f"{until.isoformat()} is naive; give an aware UTC datetime")]
        # RRULE text has whole seconds only; flooring keeps every integer-second occurrence
        # start on the same side of the bound, so behaviour is unchanged.
        utc = until.astimezone(UTC).replace(microsecond=0)
        object.__setattr__(self, "until", utc)
        return []

    @property
    def weekdays(self) -> tuple[int, ...]:
        """``byday`` as :meth:`datetime.date.weekday` numbers (Monday = 0)."""
        return tuple(WEEKDAY_CODES.index(c) for c in self.byday)

    @property
    def is_open_ended(self) -> bool:
        """True when neither COUNT nor UNTIL bounds the rule."""
        return self.count is None and self.until is None

    @classmethod
    def parse(cls, text: str) -> RecurrenceRule:
        """Parse an RRULE value such as ``"FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE;COUNT=4"``.

        Keys and values are case-insensitive and an ``RRULE:`` prefix is accepted.

        Raises
        ------
        ScheduleError
            Naming every bad part, e.g. ``FREQ=MONTHLY is not supported (DAILY or WEEKLY)``.

        Examples
        --------
        >>> RecurrenceRule.parse("FREQ=DAILY;UNTIL=20241031T120000Z").until.isoformat()
        '2024-10-31T12:00:00+00:00'
        """
        if not isinstance(text, str):
            raise ScheduleError(f"expected RRULE text, got {type(text).__name__}")
        body = text.strip()
        if body.upper().startswith("RRULE:"):
            body = body[len("RRULE:") :]
        parts: dict[str, str] = {}
        problems: list[Problem] = []
        for part in body.split(";"):
            if not part.strip():
                continue  # tolerate a stray or trailing ';'
            key, sep, value = part.partition("=")
            key, value = key.strip().upper(), value.strip().upper()
            if not sep or not key:
                problems.append(Problem("", f"{part.strip()!r} is not a KEY=VALUE part"))
            elif key in parts:
                problems.append(Problem(key.lower(), f"{key} is given more than once"))
            else:
                parts[key] = value
        fields = _parse_parts(parts, problems)
        if problems:
            raise ScheduleError(problems)
        return cls(**fields)  # type: ignore[arg-type]

    def to_rrule(self) -> str:
        """The rule as RRULE text; ``RecurrenceRule.parse(r.to_rrule()) == r``."""
        out = [f"FREQ={self.freq}"]
        if self.interval != 1:
            out.append(f"INTERVAL={self.interval}")
        if self.byday:
            out.append("BYDAY=" + ",".join(self.byday))
        if self.count is not None:
            out.append(f"COUNT={self.count}")
        if self.until is not None:
            out.append(f"UNTIL={_format_until(self.until)}")
        return ";".join(out)

    def __str__(self) -> str:
        return self.to_rrule()


def _parse_int(key: str, value: str, problems: list[Problem]) -> int | None:
    number = int(value) if re.fullmatch(r"[+-]?\d{1,12}", value) else None
    if (p := _positive_problem(key, number if number is not None else value)) is not None:
        problems.append(p)
        return None
    return number


def _parse_parts(parts: dict[str, str], problems: list[Problem]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for key, value in parts.items():
        if key == "FREQ":
            if value in _FREQS:
                fields["freq"] = value
            else:
                problems.append(_freq_problem(value))
        elif key in ("INTERVAL", "COUNT"):
            if (number := _parse_int(key, value, problems)) is not None:
                fields[key.lower()] = number
        elif key == "BYDAY":
            codes = [c.strip() for c in value.split(",")]
            bad = [p for c in codes if (p := _day_problem(c)) is not None]
            problems.extend(bad)
            if not bad:
                fields["byday"] = tuple(codes)
        elif key == "UNTIL":
            try:
                fields["until"] = _parse_until(value)
            except ScheduleError as exc:
                problems.extend(exc.problems)
        elif key == "WKST":
            if value != "MO":
                problems.append(
                    Problem("wkst", f"WKST={value} is not supported (weeks start on MO)")
                )
        elif key in _OTHER_RFC_PARTS:
            problems.append(Problem(key.lower(), f"{key} is not supported ({_SUPPORTED_PARTS})"))
        else:
            problems.append(Problem(key.lower(), f"unknown RRULE part {key}"))
    if "FREQ" not in parts:
        problems.append(Problem("freq", "FREQ is required (DAILY or WEEKLY)"))
    if "COUNT" in parts and "UNTIL" in parts:
        problems.append(
            Problem("until", "COUNT and UNTIL cannot both be given (RFC 5545); use one")
        )
    return fields
