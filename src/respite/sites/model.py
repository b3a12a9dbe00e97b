"""A static site as notified, as a pydantic model: premises to be known to the parties.

Its times, contacts and position are written as a movement's are (:mod:`respite.movements.model`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from respite.errors import FieldProblem
from respite.movements.model import Contact, Name, Note, Point, Reference, _Timed


class SiteKind(StrEnum):
    OFFICE = "office"
    WAREHOUSE = "warehouse"
    SHELTER = "shelter"
    CLINIC = "clinic"
    DISTRIBUTION_POINT = "distribution_point"


class SiteSpec(_Timed):
    """A static site: premises to be known to the parties (a version per change)."""

    reference: Reference = None
    name: Name
    kind: SiteKind
    location: Point
    contacts: Annotated[tuple[Contact, ...], Field(min_length=1, max_length=20)]
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    #: party organisations notified (ids); empty: every party organisation
    notify: tuple[int, ...] = ()
    notes: Note = None

    @model_validator(mode="after")
    def _valid_span(self) -> Self:
        if self.valid_from and self.valid_until:
            a, b = self.valid_from, self.valid_until
            if (a.tzinfo is None) == (b.tzinfo is None) and b <= a:
                raise FieldProblem("valid_until", "valid_until must be after valid_from")
        return self
