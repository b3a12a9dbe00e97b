"""A pause as recorded: every version, and the two timelines over them.

*In effect at T*: the version in force at T (the latest whose ``effective_at <= T``) answers
for T; each part's coverage already holds every earlier version's word for the time before the
next took effect (:mod:`respite.pauses.parts`), so no amendment changes the past.
*As known at K*: the same, over the versions announced by K (:meth:`Pause.known_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from respite.errors import NotFound
from respite.pauses.model import Amendment, PauseKind, PauseSpec, PauseStatus, Visibility
from respite.pauses.parts import Part


@dataclass(frozen=True, slots=True)
class PauseVersion:
    version: int
    #: derived from the parts' statuses (:func:`respite.pauses.status.derive`)
    status: PauseStatus
    #: When this version took effect (UTC seconds); None for a first version with no date.
    effective_at: int | None
    parts: tuple[Part, ...]
    amendment: Amendment | None = None
    #: When this version was made known (UTC seconds); None for a first version with no date.
    announced_at: int | None = None
    visibility: Visibility = Visibility.PUBLIC

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise NotFound(f"no part {part_id!r} in version {self.version}")

    @property
    def is_public(self) -> bool:
        return self.visibility is Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause as recorded: its specification and every version, oldest first."""

    spec: PauseSpec
    versions: tuple[PauseVersion, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def kind(self) -> PauseKind:
        return self.spec.kind

    @property
    def timezone(self) -> str:
        return self.spec.timezone

    @property
    def latest(self) -> PauseVersion:
        return self.versions[-1]

    @property
    def is_public(self) -> bool:
        return self.latest.is_public

    @property
    def is_listed(self) -> bool:
        """Whether public feeds and exports list it: public, and not a draft."""
        return self.latest.is_public and self.latest.status is not PauseStatus.DRAFT

    def version_at(self, at: int, upto: PauseVersion | None = None) -> PauseVersion:
        """The version in force at ``at`` among versions 1..``upto`` (default: all)."""
        last = len(self.versions) if upto is None else upto.version
        chosen = self.versions[0]
        for version in self.versions[:last]:
            if version.effective_at is None or version.effective_at <= at:
                chosen = version
        return chosen

    def known_at(self, at: int) -> PauseVersion | None:
        """The latest version announced by ``at``, or None before the pause was announced."""
        chosen = None
        for version in self.versions:
            if version.announced_at is None or version.announced_at <= at:
                chosen = version
        return chosen


def version_life(pause: Pause, number: int) -> dict[str, Any]:
    """A version's derived status, part statuses, visibility and late announcements."""
    if number > len(pause.versions):
        return {}
    version = pause.versions[number - 1]
    return {
        "status": version.status.value,
        "announced_at": None if version.announced_at is None else _iso(version.announced_at),
        "visibility": version.visibility.value,
        "parts": {part.id: part.status.value for part in version.parts},
        "late_notices": [
            {
                "part": part.id,
                "window_start": _iso(late.window_start),
                "announced_at": _iso(late.announced_at),
                "notice_hours": late.notice_hours,
                "hours_short": late.hours_short,
            }
            for part in version.parts
            for late in part.late_notices
            if late.version == number
        ],
    }


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
