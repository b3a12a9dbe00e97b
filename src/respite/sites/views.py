"""HTTP views of static sites: register, read, update, withdraw, acknowledge.

The same rules as movements: an organisation sees its own sites, a party what was notified to
it, observers, coordinators and administrators everything; the public nothing (404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response
from sqlalchemy.orm import Session

from respite.httpkit.deps import Caller, ReadSession, now, unit_of_work
from respite.httpkit.params import etag, expected_version, parse_body
from respite.httpkit.policy import Action, Principal, require
from respite.movements import notices as notice_store
from respite.movements.model import NOTICE, Acknowledgement, Withdrawal
from respite.movements.visibility import SEE_ALL, Sight, notice_json, readable, require_owner, sight
from respite.roles import UserRole
from respite.sites import service as sites
from respite.sites.model import SiteSpec
from respite.sites.present import site_view
from respite.sites.tables import SiteRow

router = APIRouter(prefix="/v1/sites", tags=["sites"])
SiteBody = Annotated[dict[str, Any], Body(description="a static site notification")]


def _spec(body: dict[str, Any]) -> SiteSpec:
    return parse_body(body, SiteSpec)


def _view(session: Session, principal: Principal | None, row: SiteRow) -> dict[str, Any]:
    seen = sight(session, principal, row)
    return site_view(session, principal, row, sites.get_site_version(session, row.id), seen, now())


@router.post("", status_code=201)
def register(
    request: Request, response: Response, caller: Caller, body: SiteBody
) -> dict[str, Any]:
    """Register premises (office, warehouse, shelter, clinic, distribution point)."""
    principal = require(caller, Action.NOTIFY)
    spec = _spec(body)
    with unit_of_work(request) as session:
        row = sites.register_site(
            session,
            spec=spec,
            owner_org_id=principal.organisation_id,
            user_id=principal.user_id,
            now=now(),
        )
        view = _view(session, principal, row)
    response.headers["ETag"] = etag(row.current_version)
    response.headers["Location"] = f"/v1/sites/{row.id}"
    return view


@router.get("")
def list_all(session: ReadSession, caller: Caller) -> dict[str, Any]:
    principal = require(caller, Action.READ_NOTIFICATIONS)
    if principal.role in SEE_ALL:
        rows = sites.list_sites(session)
    elif principal.role is UserRole.PARTY_LIAISON:
        rows = [r for r in sites.list_sites(session) if sight(session, principal, r) is Sight.PARTY]
    else:
        rows = sites.list_sites(session, owner_org_id=principal.organisation_id)
    items = []
    for row in rows:
        view = _view(session, principal, row)
        for heavy in ("notice", "acknowledgements"):
            view.pop(heavy)
        items.append(view)
    return {"notice": NOTICE.model_dump(), "sites": items, "count": len(items)}


@router.get("/{site_id}")
def read(session: ReadSession, response: Response, caller: Caller, site_id: str) -> dict[str, Any]:
    row = sites.get_site(session, site_id)
    readable(session, caller, row, least=Sight.PARTY)
    response.headers["ETag"] = etag(row.current_version)
    return _view(session, caller, row)


@router.put("/{site_id}")
def update(
    request: Request,
    response: Response,
    caller: Caller,
    site_id: str,
    body: SiteBody,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    with unit_of_work(request) as session:
        row = sites.get_site(session, site_id)
        readable(session, caller, row, least=Sight.PARTY)
        principal = require_owner(caller, Action.CHANGE_NOTIFICATION, row.owner_organisation_id)
        expected = expected_version(if_match, "site")
        row = sites.update_site(
            session,
            site_id=site_id,
            spec=_spec(body),
            expected_version=expected,
            user_id=principal.user_id,
            now=now(),
        )
        view = _view(session, principal, row)
    response.headers["ETag"] = etag(row.current_version)
    return view


@router.post("/{site_id}/withdrawal", status_code=201)
def withdraw(
    request: Request,
    response: Response,
    caller: Caller,
    site_id: str,
    body: Withdrawal,
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    with unit_of_work(request) as session:
        row = sites.get_site(session, site_id)
        readable(session, caller, row, least=Sight.PARTY)
        principal = require_owner(caller, Action.CHANGE_NOTIFICATION, row.owner_organisation_id)
        row = sites.withdraw_site(
            session,
            site_id=site_id,
            reason=body.reason,
            expected_version=expected_version(if_match, "site"),
            user_id=principal.user_id,
            now=now(),
        )
        view = _view(session, principal, row)
    response.headers["ETag"] = etag(row.current_version)
    return view


@router.get("/{site_id}/versions")
def versions(session: ReadSession, caller: Caller, site_id: str) -> dict[str, Any]:
    row = sites.get_site(session, site_id)
    readable(session, caller, row, least=Sight.FULL)
    return {
        "id": row.id,
        "current_version": row.current_version,
        "versions": [
            {
                "version": v.version,
                "action": v.action.value,
                "recorded_at": v.recorded_at.isoformat().replace("+00:00", "Z"),
                "recorded_by": v.recorded_by,
                "digest": v.digest,
                "document": v.document,
            }
            for v in sites.list_site_versions(session, row.id)
        ],
    }


@router.post("/{site_id}/acknowledgements", status_code=201)
def acknowledge(
    request: Request,
    caller: Caller,
    site_id: str,
    body: Annotated[Acknowledgement | None, Body()] = None,
) -> dict[str, Any]:
    with unit_of_work(request) as session:
        row = sites.get_site(session, site_id)
        readable(session, caller, row, least=Sight.PARTY)
        principal = require(caller, Action.ACKNOWLEDGE_NOTIFICATION)
        notice_store.acknowledge(
            session,
            subject=sites.subject_of(row.id),
            version=row.current_version,
            party_org_id=principal.organisation_id,
            user_id=principal.user_id,
            note=body.note if body else None,
            now=now(),
        )
        view = _view(session, principal, row)
    return {"site_id": row.id, "acknowledgements": view["acknowledgements"]}


@router.get("/{site_id}/acknowledgements")
def acknowledgements(session: ReadSession, caller: Caller, site_id: str) -> dict[str, Any]:
    row = sites.get_site(session, site_id)
    seen = readable(session, caller, row, least=Sight.PARTY)
    party = caller.organisation_id if seen is Sight.PARTY and caller else None
    tz = sites.get_site_version(session, row.id).document.get("timezone", "UTC")
    listed = [
        notice_json(n, tz, now()) | {"current": n.version == row.current_version}
        for n in notice_store.notices(session, [sites.subject_of(row.id)], party_org_id=party)
    ]
    return {"site_id": row.id, "current_version": row.current_version, "notifications": listed}
