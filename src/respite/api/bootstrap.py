"""First start of a service: migrate, and fill an empty database with the scenario.

An empty store gets one coordination cell, its administrator and the bundled scenario, so
the README's one command gives a working service. The administrator's first token is
returned once to be shown to the operator at the console; only its hash is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from respite.accounts.model import OrganisationKind
from respite.accounts.service import create_organisation, create_user
from respite.accounts.tables import Organisation
from respite.accounts.tokens import issue_token
from respite.pauses.service import create_pause
from respite.roles import UserRole
from respite.scenarios import load_scenario
from respite.storage import session_factory, upgrade

CELL_SLUG = "coordination-cell"
ADMIN_EMAIL = "admin@respite.local"


@dataclass(frozen=True, slots=True)
class Bootstrapped:
    organisation_id: int
    admin_user_id: int
    admin_token: str
    pauses: int


def ensure_ready(
    engine: Engine, *, scenario: str, now: datetime | None = None
) -> Bootstrapped | None:
    """Migrate; if the store has no organisation yet, create the first ones and load data."""
    upgrade(engine)
    now = now or datetime.now(UTC).replace(microsecond=0)
    with session_factory(engine)() as session, session.begin():
        if session.scalar(select(func.count(Organisation.id))):
            return None
        organisation = create_organisation(
            session,
            slug=CELL_SLUG,
            name="Coordination cell",
            kind=OrganisationKind.COORDINATION,
            now=now,
        )
        admin = create_user(
            session,
            organisation_id=organisation.id,
            name="Administrator",
            email=ADMIN_EMAIL,
            role=UserRole.ADMIN,
            now=now,
        )
        pauses = load_scenario(scenario) if scenario else ()
        for pause in pauses:
            create_pause(
                session, spec=pause.spec, owner_org_id=organisation.id, user_id=admin.id, now=now
            )
        token = issue_token(session, user_id=admin.id, now=now)
        return Bootstrapped(organisation.id, admin.id, token, len(pauses))
