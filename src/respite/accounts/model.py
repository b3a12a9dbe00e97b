"""Accounts as documents: organisation kinds, and what a request to create an organisation,
a user or a token must hold (pydantic)."""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import Field

from respite.roles import UserRole
from respite.validation import Strict


class OrganisationKind(enum.StrEnum):
    COORDINATION = "coordination"
    AID = "aid"
    PARTY = "party"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    PUBLIC_MEDIA = "public_media"


class OrganisationCreate(Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]
    name: Annotated[str, Field(min_length=1, max_length=300)]
    kind: OrganisationKind


class UserCreate(Strict):
    organisation_id: int
    name: Annotated[str, Field(min_length=1, max_length=300)]
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
    role: UserRole


class TokenCreate(Strict):
    #: whose token; default the caller (only an admin may issue for someone else)
    user_id: int | None = None
    ttl_days: Annotated[float | None, Field(gt=0, le=3650)] = None
