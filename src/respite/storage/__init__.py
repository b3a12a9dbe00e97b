"""The storage kit: engine set-up, the declarative base, column types and migrations.

::

    from respite.storage import make_engine, session_factory, upgrade
    from respite.pauses.service import create_pause

    engine = make_engine()            # $RESPITE_DATABASE_URL or ./var/respite.db
    upgrade(engine)                   # alembic upgrade head, migrations shipped in the package
    with session_factory(engine).begin() as session:
        create_pause(session, spec=spec, owner_org_id=1, user_id=1, now=now)

Each domain keeps its own tables (``<domain>/tables.py``, on :class:`Base`) and its service
(``<domain>/service.py``): keyword-only functions that take the session first, flush and
never commit, so that the caller's transaction holds a write and its audit entry together.
:mod:`respite.storage.migrations.registry` puts every domain's tables on one metadata.
"""

from respite.storage.base import Base
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
from respite.storage.types import UtcDateTime, require_aware

__all__ = [
    "DEFAULT_URL",
    "ENV_VAR",
    "Base",
    "UtcDateTime",
    "alembic_config",
    "database_url",
    "downgrade",
    "make_engine",
    "require_aware",
    "session_factory",
    "upgrade",
]
