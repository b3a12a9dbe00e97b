"""The roles a user may hold: the rows of the policy table (:mod:`respite.httpkit.policy`)."""

from __future__ import annotations

import enum


class UserRole(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"
    OBSERVER = "observer"
    PARTY_LIAISON = "party_liaison"
