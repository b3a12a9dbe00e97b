"""``respite incidents ...``: field reports, review, listing, imports and compliance reports.

Every action works on the service's database (``--database``, else ``$RESPITE_DATABASE_URL``,
else ./var/respite.db), is recorded as the operator (the first administrator) and audited
like the API's writes. Times are printed in local time with the zone named (``--tz``, default
Asia/Gaza) and, in ``--json``, in UTC too. Imports: :mod:`.import_commands`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import select

from respite.accounts.commands import operator, organisation
from respite.clikit.session import database, now, print_json
from respite.clikit.times import parse_time
from respite.compliance.windows import ReportOptions
from respite.errors import InvalidInput
from respite.events.record import IncidentSource
from respite.httpkit.policy import Principal
from respite.incidents import service
from respite.incidents.compliance_render import render
from respite.incidents.compliance_report import compliance_report, incident_set, stored_pause
from respite.incidents.import_commands import add_import_parsers
from respite.incidents.model import new_reference, parse_report
from respite.incidents.present import (
    DEFAULT_TIMEZONE,
    checked_zone,
    incident_line,
    incident_view,
    run_view,
)
from respite.incidents.queries import MAX_LIMIT, Filters, find_incidents
from respite.incidents.tables import ImportRunRow, ReviewState, Visibility
from respite.incidents.views import bbox_of
from respite.incidents.visibility import Sight, visible_clause

EXIT_OK = 0
Handler = Callable[[argparse.Namespace, Console], int]


def add(args: argparse.Namespace, out: Console) -> int:
    """A field report, as ``POST /v1/incidents`` takes it."""
    checked_zone(args.tz, "--tz")
    document: dict[str, Any] = {
        "reference": args.reference,
        "lon": args.lon,
        "lat": args.lat,
        "radius_m": args.radius,
        "event_type": args.type,
        "sub_event_type": args.sub_type,
        "fatalities": args.fatalities,
        "injured": args.injured,
        "location": args.location,
        "notes": args.notes,
        "reported_by": args.reported_by,
        "visibility": args.visibility,
    }
    if args.at is not None:
        document["occurred_at"] = parse_time(args.at, tz=args.tz, field="--at")
        document["uncertainty_minutes"] = args.uncertainty_minutes
    if args.start is not None or args.until is not None:
        for key, text, flag in (
            ("occurred_from", args.start, "--from"),
            ("occurred_until", args.until, "--until"),
        ):
            document[key] = None if text is None else parse_time(text, tz=args.tz, field=flag)
    report = parse_report({k: v for k, v in document.items() if v is not None})
    with database(args) as session:
        actor = operator(session)
        row = service.report_incident(
            session,
            record=report.to_record(report.reference or new_reference()),
            owner_org_id=organisation(session, args.owner, actor, "--owner"),
            visibility=report.visibility,
            user_id=actor.id,
            now=now(),
        )
        view = incident_view(row, Sight.FULL, args.tz)
        line = incident_line(row, args.tz)
    if args.json:
        print_json(out, view)
    else:
        out.print(f"reported {line}", markup=False)
    return EXIT_OK


def review(args: argparse.Namespace, out: Console) -> int:
    checked_zone(args.tz, "--tz")
    with database(args) as session:
        actor = operator(session)
        row = service.get_incident(session, args.id)
        row = service.review_incident(
            session,
            incident_id=row.id,
            state=ReviewState(args.state),
            duplicate_of=args.duplicate_of,
            note=args.note,
            expected_version=row.current_version,
            user_id=actor.id,
            now=now(),
        )
        line = incident_line(row, args.tz)
    out.print(f"version {row.current_version}: {line}", markup=False)
    return EXIT_OK


def listing(args: argparse.Namespace, out: Console) -> int:
    checked_zone(args.tz, "--tz")
    if not 1 <= args.limit <= MAX_LIMIT or args.offset < 0:
        raise InvalidInput(f"--limit is 1..{MAX_LIMIT}, --offset 0 or more", location="--limit")
    start = None if args.start is None else parse_time(args.start, tz=args.tz, field="--from")
    end = None if args.end is None else parse_time(args.end, tz=args.tz, field="--to")
    filters = Filters(
        bbox=bbox_of(args.bbox),
        start=None if start is None else int(start.timestamp()),
        end=None if end is None else int(end.timestamp()),
        states=[ReviewState(s) for s in args.state or ()],
        sources=[IncidentSource(s) for s in args.source or ()],
        event_types=args.event_type or (),
        datasets=args.dataset or (),
    )
    with database(args, write=False) as session:
        visible = visible_clause(None if args.public else _as(session))
        rows, total = find_incidents(
            session, visible=visible, filters=filters, limit=args.limit, offset=args.offset
        )
        views = [incident_view(r, Sight.FULL, args.tz) for r in rows]
        lines = [incident_line(r, args.tz) for r in rows]
    if args.json:
        print_json(out, {"incidents": views, "count": len(views), "total": total})
        return EXIT_OK
    for line in lines:
        out.print(line, markup=False)
    out.print(f"{len(lines)} of {total} incident(s)", markup=False)
    return EXIT_OK


def report(args: argparse.Namespace, out: Console) -> int:
    """The compliance report of a stored pause over the stored incidents."""
    checked_zone(args.tz, "--tz")
    as_of = None if args.as_of is None else parse_time(args.as_of, tz=args.tz, field="--as-of")
    options = ReportOptions(
        margin_hours=args.margin_hours,
        baseline_days=args.baseline_days,
        near_distance_m=args.near_distance_m,
        as_of=None if as_of is None else int(as_of.timestamp()),
        list_events=args.list_events,
    )
    with database(args, write=False) as session:
        principal = None if args.public else _as(session)
        pause = stored_pause(session, principal, args.pause_id)
        found = compliance_report(
            session, principal, pause, options=options, verified_only=args.verified_only
        )
    used = incident_set(principal, args.verified_only)
    text, _ = render(found, used, args.format)
    if args.output:
        Path(args.output).write_text(text, "utf-8")
        out.print(f"wrote {args.output}", markup=False)
    else:
        sys.stdout.write(text)
    sys.stderr.write(f"incidents counted: {used['text']}\n")
    return EXIT_OK


def runs(args: argparse.Namespace, out: Console) -> int:
    """The import runs, newest first: who imported which file, when, and what it did."""
    with database(args, write=False) as session:
        found = session.scalars(
            select(ImportRunRow).order_by(ImportRunRow.id.desc()).limit(args.limit)
        ).all()
        views = [run_view(r) for r in found]
    if args.json:
        print_json(out, views)
        return EXIT_OK
    for view in views:
        c = view["counts"]
        out.print(
            f"run {view['id']}  {view['state']:<9} {view['started_at']}  user {view['started_by']}"
            f"  {view['source']}:{view['dataset']}  {view['file_name'] or '-'}  "
            f"read {c['read']}, inserted {c['inserted']}, updated {c['updated']}, "
            f"unchanged {c['unchanged']}, rejected {c['rejected']}"
            + (f"  FAILED: {view['failure']}" if view["failure"] else ""),
            markup=False,
        )
    return EXIT_OK


def _as(session: Any) -> Principal:
    actor = operator(session)
    return Principal(actor.id, actor.organisation_id, actor.role)


# -- parsers -----------------------------------------------------------------------------------


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``respite incidents ...`` on the ``respite`` parser."""
    group = sub.add_parser("incidents", help="incidents: report, review, list, import, report")
    actions = group.add_subparsers(dest="action", required=True, parser_class=type(group))

    def make(name: str, handler: Handler | None, text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=text)
        if handler is not None:
            p.add_argument("--database", help="SQLAlchemy URL (default $RESPITE_DATABASE_URL)")
            p.add_argument("--tz", default=DEFAULT_TIMEZONE, help="zone times are shown in")
            p.set_defaults(handler=handler)
        return p

    _add_parser(make)
    _other_parsers(make)
    add_import_parsers(make)


Make = Callable[..., argparse.ArgumentParser]


def _add_parser(make: Make) -> None:
    p = make("add", add, "record a field report (audited)")
    p.add_argument("--at", help="when, ISO 8601 (without offset: local in --tz)")
    p.add_argument("--uncertainty-minutes", type=int, default=0)
    p.add_argument("--from", dest="start", help="or a span: from ...")
    p.add_argument("--until", help="... until")
    p.add_argument("--lon", type=float, required=True)
    p.add_argument("--lat", type=float, required=True)
    p.add_argument("--radius", type=float, default=0.0, help="metres around lon/lat")
    p.add_argument("--type", required=True, help="event type")
    p.add_argument("--sub-type")
    p.add_argument("--fatalities", type=int)
    p.add_argument("--injured", type=int)
    p.add_argument("--location")
    p.add_argument("--notes")
    p.add_argument("--reported-by")
    p.add_argument("--reference", help="your own reference (unique in your organisation)")
    p.add_argument("--visibility", choices=[v.value for v in Visibility], default="organisation")
    p.add_argument("--owner", help="owner organisation slug (default the operator's)")
    p.add_argument("--json", action="store_true")


def _other_parsers(make: Make) -> None:
    p = make("review", review, "verify, reject, mark duplicate, or re-open (audited)")
    p.add_argument("id")
    p.add_argument("--state", required=True, choices=[s.value for s in ReviewState])
    p.add_argument("--duplicate-of")
    p.add_argument("--note")

    p = make("list", listing, "list incidents (filters: state, source, type, place, time)")
    p.add_argument("--state", action="append", choices=[s.value for s in ReviewState])
    p.add_argument("--source", action="append", choices=[s.value for s in IncidentSource])
    p.add_argument("--event-type", action="append")
    p.add_argument("--dataset", action="append")
    p.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat")
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--public", action="store_true", help="only what the public sees")
    p.add_argument("--json", action="store_true")

    p = make("runs", runs, "the import runs: who, when, which file, what it did")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")

    p = make("report", report, "did a stored pause hold? (compliance report)")
    p.add_argument("pause_id")
    p.add_argument("--format", choices=["json", "hxl", "html"], default="json")
    p.add_argument("-o", "--output", help="file to write (default standard output)")
    p.add_argument("--as-of", help="UTC time the report is made as of (open-ended pauses)")
    p.add_argument("--verified-only", action="store_true")
    p.add_argument("--public", action="store_true", help="as the public sees it")
    p.add_argument("--margin-hours", type=float, default=6.0)
    p.add_argument("--baseline-days", type=int, default=7)
    p.add_argument("--near-distance-m", type=float, default=1000.0)
    p.add_argument(
        "--list-events",
        type=lambda text: None if text == "all" else int(text),
        default=20_000,
        help="event pairs listed one by one (a number or 'all'); counts cover every pair",
    )
