"""Alembic environment for Respite.

:func:`respite.storage.upgrade` hands over an open connection in ``config.attributes``; run by
other means (``command.upgrade(alembic_config(), "head")``) the database comes from
``sqlalchemy.url`` or ``RESPITE_DATABASE_URL``. There is no ``alembic.ini``, so no logging setup.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from respite.storage.db import database_url, make_engine
from respite.storage.migrations.registry import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables when a migration must.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=database_url(url), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    engine = make_engine(url)
    try:
        with engine.begin() as own:
            _run(own)
    finally:
        engine.dispose()


_main()
