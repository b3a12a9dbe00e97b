"""Alembic migrations, shipped with the package and run by :func:`respite.storage.upgrade`."""
