"""Errors raised by the storage services, placed in the one Respite error tree.

::

    RespiteError                     (respite.errors)
    ├── NotFound                     unknown pause, version, user, organisation or token
    ├── InvalidInput                 the change does not validate; nothing was written
    └── Conflict                     the write clashes with what is stored; nothing was written
        ├── VersionConflict          ``expected_version`` is not the pause's current version
        └── AlreadyExists            an object with that id, slug or email is already stored

Every ``Conflict`` maps to HTTP 409: the client should re-read and decide again. The caller
owns the transaction and must roll it back after any of these (the services raise before
writing, but a rolled-back transaction is the only state guaranteed clean).
"""

from __future__ import annotations

from respite.errors import RespiteError


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
