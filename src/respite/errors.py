"""One error tree for the whole library.

::

    RespiteError                 base: catch this to handle any Respite failure
    ├── InvalidInput             bad input; carries every Problem found (field + message)
    │   ├── GeometryError        a zone's geometry is unusable (where and why)
    │   ├── ScheduleError        a window or recurrence rule is unusable
    │   └── PauseFileError       a pause file cannot be read or does not validate
    ├── NotFound                 a named thing (pause, area, block) does not exist
    └── OutsideHorizon           a time is outside the span the engine was built for

``InvalidInput`` always lists *all* problems found, not only the first, so that a coordinator
fixing a hand-written file sees every mistake in one pass. Each problem names its location as a
path (``pauses[0].parts[1].zone.coordinates[0][3]``) and a human sentence. The CLI maps
``InvalidInput`` to exit code 2 and the HTTP layer to an RFC 9457 problem document; nothing
parses these messages to decide what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (a dotted/indexed path) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class RespiteError(Exception):
    """Base of every error raised by Respite on purpose."""


class InvalidInput(RespiteError, ValueError):
    """The input cannot be used; ``problems`` says every place and reason."""

    def __init__(self, problems: Iterable[Problem] | str, *, location: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(location, problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InvalidInput needs at least one problem")
        super().__init__("; ".join(str(p) for p in self.problems))

    def prefixed(self, prefix: str) -> InvalidInput:
        """The same error with every location placed under ``prefix``."""
        moved = [Problem(_join(prefix, p.location), p.message) for p in self.problems]
        return type(self)(moved)


class GeometryError(InvalidInput):
    """A geometry is invalid: unclosed ring, self-intersection, out-of-range coordinates..."""


class ScheduleError(InvalidInput):
    """A time window or recurrence rule is invalid."""


class PauseFileError(InvalidInput):
    """A pause file (YAML/JSON) cannot be parsed or does not validate."""


class NotFound(RespiteError, LookupError):
    """A referenced object does not exist (unknown pause id, block number, pcode...)."""


class OutsideHorizon(RespiteError, ValueError):
    """A query time lies outside the time span a coverage engine was built for."""


class Conflict(RespiteError):
    """The write contradicts the stored state; re-read and retry with the new state."""


class VersionConflict(Conflict):
    """Optimistic concurrency: another write made a newer version first."""

    def __init__(self, pause_id: str, *, expected: int, current: int | None) -> None:
        self.pause_id = pause_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"pause {pause_id!r} is at version {current}, not {expected}; "
            "re-read it and apply the change to the current version"
        )


class AlreadyExists(Conflict):
    """Creating something whose unique key (pause id, slug, email) is taken."""


class Unauthenticated(RespiteError):
    """No valid token was presented where one is needed."""


class Forbidden(RespiteError):
    """The caller is known but its role or organisation does not allow this."""


class PreconditionRequired(RespiteError):
    """A change to a versioned resource came without If-Match."""


class PayloadTooLarge(RespiteError):
    """The request body is over the limit."""


class FieldProblem(ValueError):
    """A whole-object check that blames one field: the error's location names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _join(prefix: str, location: str) -> str:
    if not prefix:
        return location
    if not location:
        return prefix
    if location.startswith("["):
        return prefix + location
    return f"{prefix}.{location}"
