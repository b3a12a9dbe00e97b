"""A stored pause's compliance report over the stored incidents a caller may see.

The report (:mod:`respite.compliance.report.build`) counts events against the pause's windows, their
margins and baseline days, and near the sites and movements it is given. Here its inputs come
from the database:

- the pause's current version, if the caller may read it (published, or their own);
- the incidents the caller may see (:mod:`respite.incidents.visibility`) whose span overlaps the
  plan's rows in time, streamed in chunks into the report's accumulator, never all at once.
  Rejected incidents and duplicates are never counted; unreviewed (``submitted``) ones are
  counted for callers with a token unless ``verified_only``; the public's set is public and
  verified only. The report says which set it was computed over (:func:`incident_set`);
- sites active during the pause and movements travelling during it, as near features, for
  callers who may see them (their own organisation's; everything for coordinators, observers
  and administrators; nothing for the public).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from shapely.geometry import LineString, Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from respite.compliance.report.build import ComplianceReport
from respite.compliance.windows import NearFeature, ReportOptions, ReportPlan
from respite.errors import NotFound
from respite.incidents.queries import Filters, event_tables
from respite.incidents.tables import ReviewState
from respite.incidents.visibility import SEE_ALL, described, visible_clause
from respite.movements import service as movement_service
from respite.movements.model import MovementSpec
from respite.movements.planning import resolve_route
from respite.movements.records import spec_part
from respite.movements.tables import MovementRow, MovementState
from respite.pauses.model import PauseSpec
from respite.pauses.queries import get_version
from respite.pauses.resolve import Pause, resolve_pause
from respite.pauses.tables import PauseRow
from respite.schedule import from_utc_seconds
from respite.sites import service as site_service
from respite.sites.model import SiteSpec
from respite.sites.tables import SiteState

if TYPE_CHECKING:
    from respite.httpkit.policy import Principal

#: Incidents turned into one EventTable at a time.
CHUNK = 20_000


def stored_pause(session: Session, principal: Principal | None, pause_id: str) -> Pause:
    """The pause's current version, if the caller may read it (else, as if it did not exist)."""
    # Here, not at the top: respite.api imports the app, which imports this module.
    from respite.httpkit.policy import Action, allowed  # noqa: PLC0415

    row = session.get(PauseRow, pause_id)
    if row is None or not (
        row.published
        or allowed(principal, Action.READ_UNPUBLISHED, owner_org_id=row.owner_organisation_id)
    ):
        raise NotFound(f"no pause {pause_id!r}")
    return resolve_pause(PauseSpec.model_validate(get_version(session, pause_id).document))


def counted_states(principal: Principal | None, verified_only: bool) -> tuple[ReviewState, ...]:
    if principal is None or verified_only:
        return (ReviewState.VERIFIED,)
    return (ReviewState.SUBMITTED, ReviewState.VERIFIED)


def incident_set(principal: Principal | None, verified_only: bool) -> dict[str, Any]:
    """Which incidents a report counted, for the report to say."""
    states = counted_states(principal, verified_only)
    seen = described(principal)
    return {
        **seen,
        "review_states": [s.value for s in states],
        "text": f"{seen['text']}; counted: {' and '.join(s.value for s in states)} "
        "(rejected and duplicate incidents are never counted)",
    }


def pause_span(pause: Pause, options: ReportOptions) -> tuple[int, int]:
    """From the first window's start to the last one's end (or ``as_of``) in UTC seconds."""
    parts = pause.latest.parts
    start = min(p.first_start() for p in parts)
    ends = [p.last_end() for p in parts]
    end = max((e for e in ends if e is not None), default=start + 1)
    if None in ends or (options.as_of is not None and options.as_of < end):
        end = options.as_of if options.as_of is not None else end
    return start, max(end, start + 1)


def near_features(
    session: Session, principal: Principal | None, pause: Pause, options: ReportOptions
) -> list[NearFeature]:
    """Sites active and movements travelling during the pause, that the caller may see."""
    if principal is None:
        return []
    owner = None if principal.role in SEE_ALL else principal.organisation_id
    start, end = pause_span(pause, options)
    return [*_sites(session, owner, start, end), *_movements(session, owner, start, end)]


def _sites(session: Session, owner: int | None, start: int, end: int) -> Iterator[NearFeature]:
    for row in site_service.list_sites(session, owner_org_id=owner):
        if row.state is not SiteState.ACTIVE:
            continue
        version = site_service.get_site_version(session, row.id)
        spec = SiteSpec.model_validate(spec_part(version.document))
        lo = start if spec.valid_from is None else max(start, int(spec.valid_from.timestamp()))
        hi = end if spec.valid_until is None else min(end, int(spec.valid_until.timestamp()))
        if lo < hi:
            yield NearFeature(
                kind="site",
                id=row.id,
                label=f"{spec.name} ({row.kind.value})",
                geometry=Point(spec.location.lon, spec.location.lat),
                start=lo,
                end=hi,
            )


def _movements(session: Session, owner: int | None, start: int, end: int) -> Iterator[NearFeature]:
    # Only the movements travelling during the pause are read, however many are stored.
    query = select(MovementRow).where(
        MovementRow.state != MovementState.WITHDRAWN,
        MovementRow.departure_at < from_utc_seconds(end),
        MovementRow.arrival_by > from_utc_seconds(start),
    )
    if owner is not None:
        query = query.where(MovementRow.owner_organisation_id == owner)
    for row in session.scalars(query.order_by(MovementRow.departure_at, MovementRow.id)):
        lo, hi = int(row.departure_at.timestamp()), int(row.arrival_by.timestamp())
        version = movement_service.get_version(session, row.id)
        spec = MovementSpec.model_validate(spec_part(version.document))
        route = resolve_route(spec.route)
        label = spec.name if row.reference is None else f"{spec.name} ({row.reference})"
        yield NearFeature(
            kind="movement",
            id=row.id,
            label=label,
            geometry=LineString(route.coordinates),
            start=lo,
            end=max(hi, lo + 1),
        )


def compliance_report(
    session: Session,
    principal: Principal | None,
    pause: Pause,
    *,
    options: ReportOptions,
    verified_only: bool = False,
    chunk: int = CHUNK,
) -> ComplianceReport:
    """The report over the incidents the caller may see (see the module)."""
    near = near_features(session, principal, pause, options)
    plan = ReportPlan.build(pause, near=near, options=options)
    accumulator = plan.accumulator()
    if len(plan.rows):
        filters = Filters(
            start=int(plan.rows.start.min()),
            end=int(plan.rows.end.max()),
            states=counted_states(principal, verified_only),
        )
        visible = visible_clause(principal)
        for table in event_tables(session, visible=visible, filters=filters, chunk=chunk):
            accumulator.add(table)
    return accumulator.finish()
