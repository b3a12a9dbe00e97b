"""Who sees which incident, as one SQL condition and the same rule in Python.

- the public (no token) sees incidents that are public **and** verified;
- an organisation's members (and party liaisons) see their own organisation's incidents in
  every state, and other organisations' only when public and verified: an organisation never
  sees another organisation's non-public or unreviewed incidents;
- coordinators (who review everyone's reports), observers and administrators see all.

Whatever may not be seen is answered exactly like what does not exist (404). The rule is a
SQL condition so that a list, a count and a compliance report over a million incidents are
filtered in the database, never in Python.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from respite.incidents.tables import IncidentRow, ReviewState, Visibility
from respite.roles import UserRole

if TYPE_CHECKING:  # at run time importing respite.api would import this module's importers
    from respite.httpkit.policy import Principal

#: Roles that see every organisation's incidents.
SEE_ALL = frozenset({UserRole.ADMIN, UserRole.OBSERVER, UserRole.COORDINATOR})


class Sight(enum.Enum):
    NONE = 0
    #: public fields only (no owner, reporter, notes or source attributes)
    PUBLIC = 1
    #: everything, history included
    FULL = 2


def visible_clause(principal: Principal | None) -> ColumnElement[bool]:
    public = and_(
        IncidentRow.visibility == Visibility.PUBLIC,
        IncidentRow.review_state == ReviewState.VERIFIED,
    )
    if principal is None:
        return public
    if principal.role in SEE_ALL:
        return true()
    return or_(IncidentRow.owner_organisation_id == principal.organisation_id, public)


def sight(principal: Principal | None, row: IncidentRow) -> Sight:
    if principal is not None and (
        principal.role in SEE_ALL or principal.organisation_id == row.owner_organisation_id
    ):
        return Sight.FULL
    public = row.visibility is Visibility.PUBLIC and row.review_state is ReviewState.VERIFIED
    return Sight.PUBLIC if public else Sight.NONE


def described(principal: Principal | None) -> dict[str, Any]:
    """Which incidents a list or report was computed over, in words and as a scope."""
    if principal is None:
        return {
            "scope": "public",
            "text": "public, verified incidents only (no token was given)",
        }
    if principal.role in SEE_ALL:
        return {
            "scope": "all",
            "text": "every organisation's incidents, in every review state "
            f"(role {principal.role.value})",
        }
    return {
        "scope": "organisation",
        "organisation_id": principal.organisation_id,
        "text": "your organisation's incidents in every review state, and other organisations' "
        "public, verified incidents",
    }
