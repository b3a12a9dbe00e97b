"""The declarative base every domain's tables derive from, and how enums are stored.

The migrations in ``migrations/versions`` are the source of truth for the schema; the domains'
``tables.py`` describe the same tables for the ORM, and a test compares the two (every table is
registered by :mod:`respite.storage.migrations.registry`). Timestamps use
:class:`~respite.storage.types.UtcDateTime` (aware UTC in, aware UTC out).
"""

from __future__ import annotations

import enum

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

#: Constraint names are part of the schema (migrations refer to them), so they are fixed here.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SHA-256 hex digests and chain hashes.
HASH_LENGTH = 64


def enum_values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


def checked_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK rather than a native PostgreSQL ENUM: adding a value is then an
    # ordinary migration on both backends.
    return Enum(
        kind, name=name, native_enum=False, create_constraint=True, values_callable=enum_values
    )


def library_enum(kind: type[enum.StrEnum]) -> Enum:
    # Pause kinds and statuses belong to the pure library and are validated there before
    # anything is stored; a CHECK here would make every new kind wait for a migration.
    return Enum(
        kind, native_enum=False, create_constraint=False, length=32, values_callable=enum_values
    )


def checked(kind: type[enum.StrEnum], name: str) -> Enum:
    """VARCHAR + CHECK (not a native ENUM), sized to the longest value."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=enum_values,
        length=max(len(v) for v in enum_values(kind)),
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
