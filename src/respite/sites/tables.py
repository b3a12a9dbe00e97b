"""The site tables: a site (which version is current, its state) and its versions.

Created by migration ``r0002_movements`` with the notification tables, whose notifications
and acknowledgements a site shares with movements (:mod:`respite.movements.tables`).
"""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from respite.movements.tables import NotifiedRecord, VersionKind
from respite.sites.model import SiteKind
from respite.storage.base import Base, checked
from respite.storage.versioned import RecordedVersion


class SiteState(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class SiteRow(NotifiedRecord, Base):
    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("current_version >= 1", name="current_version"),
        UniqueConstraint("owner_organisation_id", "reference", name="uq_sites_reference"),
    )

    state: Mapped[SiteState] = mapped_column(checked(SiteState, "site_state"))
    kind: Mapped[SiteKind] = mapped_column(checked(SiteKind, "site_kind"))


class SiteVersionRow(RecordedVersion, Base):
    __tablename__ = "site_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    action: Mapped[VersionKind] = mapped_column(checked(VersionKind, "site_version_kind"))
