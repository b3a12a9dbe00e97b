"""One error tree for the whole library, each class with the HTTP answer it maps to.

::

    RespiteError                 base: catch this to handle any Respite failure       (500)
    ├── InvalidInput             bad input; carries every Problem found (field + message) 422
    │   ├── GeometryError        a zone's geometry is unusable (where and why)           422
    │   ├── ScheduleError        a window or recurrence rule is unusable                 422
    │   └── PauseFileError       a pause file cannot be read or does not validate        422
    ├── NotFound                 a named thing (pause, area, block, user) does not exist 404
    ├── OutsideHorizon           a time is outside the span the engine was built for     422
    ├── Conflict                 the write clashes with what is stored; nothing written  409
    │   ├── VersionConflict      ``expected_version`` is not the record's current version 412
    │   └── AlreadyExists        an object with that id, slug, email or reference exists 409
    ├── Unauthenticated          no valid token where one is needed                      401
    ├── Forbidden                the caller's role or organisation does not allow this   403
    ├── PreconditionRequired     a change to a versioned resource came without If-Match  428
    ├── PayloadTooLarge          the request body is over the limit                      413
    ├── LedgerError              the audit ledger cannot take the write now; retry       503
    ├── LedgerUnavailable        no checkpoint can be signed (no key, or a broken ledger) 503
    └── CheckpointRefused        a checkpoint not signed by the trusted key, or altered  422

    FieldProblem (a ValueError, not a RespiteError): raised inside pydantic validators to
    blame one field; :func:`respite.validation.problems_from_pydantic` turns it into a Problem.

``InvalidInput`` always lists *all* problems found, not only the first, so that a coordinator
fixing a hand-written file sees every mistake in one pass. Each problem names its location as a
path (``pauses[0].parts[1].zone.coordinates[0][3]``) and a human sentence. Each class declares
its answer beside it (``http_status``, ``problem_type``, ``title``); the HTTP kit's one handler
(:mod:`respite.httpkit.problems`) reads them, the CLI maps ``InvalidInput`` to exit code 2.
Nothing parses these messages to decide what to do: an error that wraps another reads its
``detail`` (the sentence it was raised with) or its fields. Every ``Conflict`` tells the client
to re-read and decide again; the caller owns the transaction and must roll it back after any
of these (the services raise before writing, but a rolled-back transaction is the only state
guaranteed clean).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (a dotted/indexed path) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class RespiteError(Exception):
    """Base of every error raised by Respite on purpose.

    ``detail`` is the sentence the error was raised with, for people; a subclass declares the
    HTTP answer it maps to (``http_status``, ``problem_type``, ``title``). The base declares
    none: a test holds that every subclass does, so none becomes a bare 500.
    """

    http_status: ClassVar[int | None] = None
    problem_type: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(RespiteError, ValueError):
    """The input cannot be used; ``problems`` says every place and reason."""

    http_status = 422
    problem_type = "invalid-input"
    title = "The request is not valid"

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

    http_status = 404
    problem_type = "not-found"
    title = "Not found"


class OutsideHorizon(RespiteError, ValueError):
    """A query time lies outside the time span a coverage engine was built for."""

    http_status = 422
    problem_type = "outside-horizon"
    title = "The time is outside the data's range"


class Conflict(RespiteError):
    """The write contradicts the stored state; re-read and retry with the new state."""

    http_status = 409
    problem_type = "conflict"
    title = "The change conflicts with what is stored"


class VersionConflict(Conflict):
    """Optimistic concurrency: another write made a newer version of the pause, site, movement
    or incident first (``subject`` names it, e.g. ``pause 'truce'``, ``movement M-1``)."""

    http_status = 412
    problem_type = "version-conflict"
    title = "The resource has changed"

    def __init__(self, subject: str, *, expected: int, current: int | None) -> None:
        self.subject = subject
        self.expected = expected
        self.current = current
        super().__init__(
            f"{subject} is at version {current}, not {expected}; "
            "re-read it and apply the change to the current version"
        )


class AlreadyExists(Conflict):
    """Creating something whose unique key (pause id, slug, email) is taken."""

    http_status = 409
    problem_type = "already-exists"
    title = "It already exists"


class Unauthenticated(RespiteError):
    """No valid token was presented where one is needed."""

    http_status = 401
    problem_type = "unauthenticated"
    title = "A valid API token is needed"


class Forbidden(RespiteError):
    """The caller is known but its role or organisation does not allow this."""

    http_status = 403
    problem_type = "forbidden"
    title = "Not allowed for this token"


class PreconditionRequired(RespiteError):
    """A change to a versioned resource came without If-Match."""

    http_status = 428
    problem_type = "precondition-required"
    title = "If-Match is required"


class PayloadTooLarge(RespiteError):
    """The request body is over the limit."""

    http_status = 413
    problem_type = "payload-too-large"
    title = "The request body is too large"


class LedgerError(RespiteError):
    """The ledger cannot be appended to (no head row: the database was not migrated; or the
    head moved during an append): nothing was written, the transaction must be retried."""

    http_status = 503
    problem_type = "ledger-unavailable"
    title = "The audit ledger cannot take the change now"


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


class LedgerUnavailable(RespiteError):
    """No checkpoint of the ledger can be signed: no key is configured for the database, or
    the ledger fails verification (the service never signs a head it has not verified)."""

    http_status = 503
    problem_type = "ledger-unavailable"
    title = "No ledger checkpoint"


class CheckpointRefused(RespiteError):
    """A checkpoint is not to be trusted: not signed by the trusted key, or altered."""

    http_status = 422
    problem_type = "checkpoint-refused"
    title = "The checkpoint is not trusted"
