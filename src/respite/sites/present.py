"""A site as answered: the current document, its validity in local time, acknowledgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from respite.httpkit.policy import Principal
from respite.movements.model import NOTICE
from respite.movements.present import iso, times
from respite.movements.records import spec_part
from respite.movements.visibility import Sight, acknowledgements
from respite.sites.model import SiteSpec
from respite.sites.tables import SiteRow, SiteVersionRow


def site_view(
    session: Session,
    principal: Principal | None,
    row: SiteRow,
    version: SiteVersionRow,
    seen: Sight,
    now: datetime,
) -> dict[str, Any]:
    document = spec_part(version.document)
    spec = SiteSpec.model_validate(document)
    tz = spec.timezone
    return {
        "id": row.id,
        "kind": "site",
        "notice": NOTICE.model_dump(),
        "version": version.version,
        "current_version": row.current_version,
        "state": row.state.value,
        "site_kind": row.kind.value,
        "reference": row.reference,
        "owner_organisation_id": row.owner_organisation_id,
        "timezone": tz,
        "validity": times(tz, valid_from=spec.valid_from, valid_until=spec.valid_until),
        "withdrawal": version.document.get("withdrawal"),
        "document": document,
        "recorded_at": iso(version.recorded_at),
        "recorded_by": version.recorded_by,
        "digest": version.digest,
        "acknowledgements": acknowledgements(
            session, principal, f"site:{row.id}", version.version, seen, tz, now
        ),
        "links": {
            "self": f"/v1/sites/{row.id}",
            "versions": f"/v1/sites/{row.id}/versions",
            "acknowledgements": f"/v1/sites/{row.id}/acknowledgements",
        },
    }
