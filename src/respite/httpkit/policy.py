"""Who may do what: the role x action matrix, in one table.

The public (no token) may read published pauses and their public fields, the status answer
and the feeds. Every other action needs a token whose user has a role allowing it; actions on
an owned resource also need the user's organisation to own it, unless the role is ``admin``.
An observer reads everything and writes nothing. A coordinator manages its own organisation's
pauses only: one coordination cell cannot act as another.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from respite.errors import Forbidden, Unauthenticated
from respite.roles import UserRole


class Action(StrEnum):
    READ_PUBLISHED = "read_published"
    READ_UNPUBLISHED = "read_unpublished"
    CREATE_PAUSE = "create_pause"
    CHANGE_PAUSE = "change_pause"
    MANAGE_ACCOUNTS = "manage_accounts"
    ISSUE_OWN_TOKEN = "issue_own_token"  # noqa: S105 - an action name, not a secret
    READ_AUDIT = "read_audit"
    NOTIFY = "notify"
    CHANGE_NOTIFICATION = "change_notification"
    READ_NOTIFICATIONS = "read_notifications"
    ACKNOWLEDGE_NOTIFICATION = "acknowledge_notification"
    RECORD_OUTCOME = "record_outcome"
    READ_ACCESS_SNAPSHOT = "read_access_snapshot"
    REPORT_INCIDENT = "report_incident"
    CORRECT_INCIDENT = "correct_incident"
    REVIEW_INCIDENT = "review_incident"


#: Roles allowed each action; ``OWNED`` actions also need the owner organisation to match.
ALLOWED: dict[Action, frozenset[UserRole]] = {
    Action.READ_PUBLISHED: frozenset(UserRole),
    Action.READ_UNPUBLISHED: frozenset({UserRole.ADMIN, UserRole.COORDINATOR, UserRole.OBSERVER}),
    Action.CREATE_PAUSE: frozenset({UserRole.ADMIN, UserRole.COORDINATOR}),
    Action.CHANGE_PAUSE: frozenset({UserRole.ADMIN, UserRole.COORDINATOR}),
    Action.MANAGE_ACCOUNTS: frozenset({UserRole.ADMIN}),
    Action.ISSUE_OWN_TOKEN: frozenset(UserRole),
    Action.READ_AUDIT: frozenset({UserRole.ADMIN, UserRole.OBSERVER}),
    # Humanitarian notifications (respite.movements, which also checks the owner and what
    # was sent to a party): information, never a request for permission.
    Action.NOTIFY: frozenset({UserRole.ADMIN, UserRole.COORDINATOR, UserRole.ORGANISATION}),
    Action.CHANGE_NOTIFICATION: frozenset(
        {UserRole.ADMIN, UserRole.COORDINATOR, UserRole.ORGANISATION}
    ),
    Action.READ_NOTIFICATIONS: frozenset(UserRole),
    Action.ACKNOWLEDGE_NOTIFICATION: frozenset({UserRole.PARTY_LIAISON}),
    Action.RECORD_OUTCOME: frozenset({UserRole.ADMIN, UserRole.COORDINATOR}),
    Action.READ_ACCESS_SNAPSHOT: frozenset(
        {UserRole.ADMIN, UserRole.COORDINATOR, UserRole.OBSERVER}
    ),
    # Incidents (respite.incidents, which also decides who sees which incident): an
    # organisation reports and corrects its own; coordinators review everyone's.
    Action.REPORT_INCIDENT: frozenset(
        {UserRole.ADMIN, UserRole.COORDINATOR, UserRole.ORGANISATION}
    ),
    Action.CORRECT_INCIDENT: frozenset(
        {UserRole.ADMIN, UserRole.COORDINATOR, UserRole.ORGANISATION}
    ),
    Action.REVIEW_INCIDENT: frozenset({UserRole.ADMIN, UserRole.COORDINATOR}),
}
#: Actions on a resource owned by an organisation: only that organisation (or admin, or an
#: observer for reading) may perform them.
OWNED = frozenset(
    {
        Action.READ_UNPUBLISHED,
        Action.CHANGE_PAUSE,
        Action.CORRECT_INCIDENT,
    }
)
#: Roles that act across organisations for the actions they hold.
CROSS_ORGANISATION = frozenset({UserRole.ADMIN, UserRole.OBSERVER})


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    user_id: int
    organisation_id: int
    role: UserRole


def allowed(
    principal: Principal | None, action: Action, *, owner_org_id: int | None = None
) -> bool:
    if principal is None:
        return action is Action.READ_PUBLISHED
    if principal.role not in ALLOWED[action]:
        return False
    if action in OWNED and owner_org_id is not None:
        return principal.role in CROSS_ORGANISATION or principal.organisation_id == owner_org_id
    return True


def require(
    principal: Principal | None, action: Action, *, owner_org_id: int | None = None
) -> Principal:
    """The principal if allowed; else 401 (no token) or 403 (not allowed)."""
    if principal is None:
        raise Unauthenticated(f"{action.value.replace('_', ' ')} needs an API token")
    if not allowed(principal, action, owner_org_id=owner_org_id):
        raise Forbidden(
            f"role {principal.role.value} may not {action.value.replace('_', ' ')}"
            + (" of another organisation" if owner_org_id is not None else "")
        )
    return principal
