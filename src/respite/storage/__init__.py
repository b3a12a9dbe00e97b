"""The database: engine setup, tables and migrations; the services live in submodules.

::

    from respite.storage import make_engine, session_factory, upgrade
    from respite.storage.pauses import create_pause

    engine = make_engine()            # $RESPITE_DATABASE_URL or ./var/respite.db
    upgrade(engine)                   # alembic upgrade head, migrations shipped in the package
    with session_factory(engine).begin() as session:
        create_pause(session, spec=spec, owner_org_id=1, user_id=1, now=now)

Services: :mod:`~respite.storage.pauses`, :mod:`~respite.storage.tokens`,
:mod:`~respite.storage.accounts`. Each takes the session first and everything else by keyword,
and flushes but never commits: the caller's transaction holds a write and its audit entry
together. They are not imported here because they use :mod:`respite.audit`, which uses these
tables; importing them from this ``__init__`` would make the two packages import each other.
"""

from respite.storage.db import (
    DEFAULT_URL,
    ENV_VAR,
    alembic_config,
    database_url,
    downgrade,
    make_engine,
    session_factory,
    upgrade,
)
from respite.storage.errors import AlreadyExists, Conflict, VersionConflict
from respite.storage.models import (
    ApiToken,
    AuditEntry,
    AuditHead,
    Base,
    Organisation,
    OrganisationKind,
    PauseRow,
    PauseVersionRow,
    User,
    UserRole,
    VersionAction,
)
from respite.storage.types import UtcDateTime, require_aware

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "AlreadyExists",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Conflict",
    "Organisation",
    "OrganisationKind",
    "PauseRow",
    "PauseVersionRow",
    "User",
    "UserRole",
    "UtcDateTime",
    "VersionAction",
    "VersionConflict",
    "alembic_config",
    "database_url",
    "downgrade",
    "make_engine",
    "require_aware",
    "session_factory",
    "upgrade",
]
