"""The column mapping of :mod:`respite.events.mapped_csv`, parsed from ``target=column``.

Kept apart from the reader so each can be read in one sitting; the syntax is documented in
``mapped_csv``'s docstring and in docs/incidents.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields

from respite.errors import InvalidInput, Problem
from respite.events._read import check, metres
from respite.events.precision import geo_precision_of, time_precision_of

__all__ = ["Column", "ColumnMapping", "Fixed", "Source"]


@dataclass(frozen=True, slots=True)
class Column:
    """A field read from the named source column."""

    name: str


@dataclass(frozen=True, slots=True)
class Fixed:
    """A field with the same value on every row."""

    value: str


Source = Column | Fixed
_COLUMN_ONLY: tuple[str, ...] = (
    "key", "occurred_at", "date", "time", "occurred_from", "occurred_until", "lat", "lon",
    "fatalities", "actors",
)  # fmt: skip
_ALIASES = {
    "id": "key", "source_key": "key", "event_id": "key", "latitude": "lat",
    "longitude": "lon", "radius": "radius_m", "actor": "actors",
}  # fmt: skip
# Targets whose value may be a literal, with the parser that recognises (and checks) one.
_LITERAL: dict[str, Callable[[str], object]] = {
    "radius_m": metres,
    "time_precision": time_precision_of,
    "geo_precision": geo_precision_of,
}


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which source column (or fixed value) gives each field of an incident record."""

    lat: str
    lon: str
    event_type: Source
    key: str | None = None
    occurred_at: str | None = None
    date: str | None = None
    time: str | None = None
    occurred_from: str | None = None
    occurred_until: str | None = None
    time_precision: Source | None = None
    radius_m: Source | None = None
    geo_precision: Source | None = None
    sub_event_type: Source | None = None
    fatalities: str | None = None
    location: Source | None = None
    notes: Source | None = None
    reported_by: Source | None = None
    actors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = [Problem(f"mapping.{t}", m) for t, m in self._combination_problems()]
        for target in ("radius_m", "time_precision", "geo_precision"):
            given = getattr(self, target)
            if isinstance(given, Fixed):
                check(problems, f"mapping.{target}", _LITERAL[target], given.value)
        if problems:
            raise InvalidInput(problems)

    def _combination_problems(self) -> Iterator[tuple[str, str]]:
        modes = [
            name
            for name, given in (
                ("occurred_at", self.occurred_at),
                ("date", self.date),
                ("occurred_from", self.occurred_from or self.occurred_until),
            )
            if given
        ]
        if not modes:
            yield "occurred_at", "map the time: occurred_at, date (+ time), or occurred_from/until"
        elif len(modes) > 1:
            yield modes[1], f"map the time one way only, not both {modes[0]} and {modes[1]}"
        if self.time and not self.date:
            yield "time", "a time column needs a date column"
        if bool(self.occurred_from) != bool(self.occurred_until):
            yield "occurred_until", "a span needs both occurred_from and occurred_until"
        if self.occurred_from and self.time_precision is not None:
            yield "time_precision", "a span (occurred_from/until) has no precision to give"
        if self.radius_m is None and self.geo_precision is None:
            yield "radius_m", "map radius_m (a column or fixed metres) or geo_precision"

    @classmethod
    def parse(cls, pairs: Sequence[str]) -> ColumnMapping:
        """A mapping from ``target=column`` strings; every mistake reported at once."""
        problems: list[Problem] = []
        given: dict[str, object] = {}
        actors: list[str] = []
        names = {f.name for f in fields(cls)}
        for index, pair in enumerate(pairs):
            where = f"mapping[{index}]"
            target, sep, value = (part.strip() for part in pair.partition("="))
            target = _ALIASES.get(target.lower(), target.lower())
            if not sep or not value:
                problems.append(Problem(where, f"{pair!r} is not target=column"))
            elif target not in names:
                known = ", ".join(sorted(names | set(_ALIASES)))
                problems.append(Problem(where, f"{target!r} is not a target; use one of {known}"))
            elif target == "actors":
                actors.append(value)
            elif target in given:
                problems.append(Problem(where, f"{target} is mapped twice"))
            else:
                given[target] = _source(target, value, where, problems)
        problems += [
            Problem("mapping", f"{target} is required")
            for target in ("lat", "lon", "event_type")
            if target not in given
        ]
        if problems:
            raise InvalidInput(problems)
        return cls(**given, actors=tuple(actors))  # type: ignore[arg-type]

    def columns(self) -> dict[str, str]:
        """Source column -> the first target that reads it."""
        used: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            for item in value if f.name == "actors" else (value,):
                name = item.name if isinstance(item, Column) else item
                if isinstance(name, str) and not isinstance(item, Fixed):
                    used.setdefault(name, f.name)
        return used


def _source(target: str, value: str, where: str, problems: list[Problem]) -> object:
    if value.startswith("column:"):
        value = value.removeprefix("column:")
        return value if target in _COLUMN_ONLY else Column(value)
    if value.startswith("value:"):
        if target in _COLUMN_ONLY:
            problems.append(Problem(where, f"{target} must come from a column"))
        return Fixed(value.removeprefix("value:"))
    if target in _COLUMN_ONLY:
        return value
    if target in _LITERAL:
        try:
            _LITERAL[target](value)
        except ValueError:
            return Column(value)
        return Fixed(value)
    return Column(value)
