"""``respite movements ...``: the command line over humanitarian notifications.

``plan`` works on a pause file or shipped scenario alone; every other action works on the
service's database (``--database``, else ``$RESPITE_DATABASE_URL``, else ./var/respite.db), is
recorded as the operator (the first administrator) and audited like the API's writes. Times
are printed in local time with the zone and its UTC offset named (``--json``: UTC and local).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from respite.accounts.commands import operator, organisation
from respite.clikit.session import Make, database, now, print_json, read_json
from respite.httpkit.params import parse_body
from respite.movements import notices, service
from respite.movements.csv_import import import_movements
from respite.movements.model import (
    DEFAULT_TIMEZONE,
    NOTICE,
    Area,
    MovementSpec,
    OutcomeSpec,
)
from respite.movements.planning import DEFAULT_SEARCH_DAYS, MAX_SEARCH_DAYS, plan_movement
from respite.movements.read_commands import (
    listing,
    plan,
    progress,
    published,
    snapshot,
    unacknowledged,
)
from respite.movements.visibility import Sight, movement_view
from respite.scenarios import DEFAULT_SCENARIO

EXIT_OK = 0

Handler = Callable[[argparse.Namespace, Console], int]


def notify(args: argparse.Namespace, out: Console) -> int:
    spec = parse_body(read_json(args.file), MovementSpec)
    with database(args) as session:
        actor = operator(session)
        owner = organisation(session, args.org, actor, "--org")
        found = plan_movement(
            published(session).engine_at(spec.in_utc().departure.earliest),
            spec.in_utc(),
            search_days=args.days,
        )
        row = service.notify_movement(
            session, spec=spec, plan=found, owner_org_id=owner, user_id=actor.id, now=now()
        )
        view = movement_view(
            session, None, row, service.get_version(session, row.id), Sight.FULL, now()
        )
    if args.json:
        print_json(out, view)
        return EXIT_OK
    out.print(f"notified movement {row.id} (version 1)", markup=False)
    out.print(NOTICE.en, markup=False)
    out.print(view["plan"]["summary"], markup=False)
    return EXIT_OK


def import_csv(args: argparse.Namespace, out: Console) -> int:
    text = Path(args.file).read_text("utf-8")
    with database(args) as session:
        actor = operator(session)
        owner = organisation(session, args.org, actor, "--org")
        pauses = published(session)
        done = import_movements(
            session,
            text=text,
            plan_for=lambda spec: plan_movement(
                pauses.engine_at(spec.in_utc().departure.earliest), spec.in_utc()
            ),
            owner_org_id=owner,
            user_id=actor.id,
            now=now(),
            dry_run=args.dry_run,
        )
    verb = "checked" if args.dry_run else "notified"
    for item in done:
        covered = "covered" if item.plan.check.fully_covered else "NOT fully covered"
        out.print(f"row {item.row}: {item.movement_id or '-'} {covered}", markup=False)
    out.print(f"{args.file}: {len(done)} movement(s) {verb}", markup=False)
    return EXIT_OK


def acknowledge(args: argparse.Namespace, out: Console) -> int:
    with database(args) as session:
        actor = operator(session)
        party = organisation(session, args.party, actor, "--party")
        row = service.get_movement(session, args.id)
        notices.acknowledge(
            session,
            subject=service.subject_of(row.id),
            version=row.current_version,
            party_org_id=party,
            user_id=actor.id,
            note=args.note,
            now=now(),
        )
    out.print(f"{args.party} acknowledged version {row.current_version} of {row.id}", markup=False)
    return EXIT_OK


def withdraw(args: argparse.Namespace, out: Console) -> int:
    with database(args) as session:
        actor = operator(session)
        row = service.get_movement(session, args.id)
        row = service.withdraw_movement(
            session,
            movement_id=row.id,
            reason=args.reason,
            expected_version=row.current_version,
            user_id=actor.id,
            now=now(),
        )
    out.print(f"withdrew {row.id} (version {row.current_version})", markup=False)
    return EXIT_OK


def outcome(args: argparse.Namespace, out: Console) -> int:
    recorded = parse_body(read_json(args.file), OutcomeSpec)
    with database(args) as session:
        actor = operator(session)
        stored = service.record_outcome(
            session, movement_id=args.id, outcome=recorded, user_id=actor.id, now=now()
        )
    out.print(
        f"outcome of {args.id}: {stored.category.value} (revision {stored.revision})",
        markup=False,
    )
    return EXIT_OK


# -- parsers -----------------------------------------------------------------------------------


def add_parsers(sub: argparse._SubParsersAction) -> Make:  # type: ignore[type-arg]
    """Register ``respite movements ...`` on the ``respite`` parser; returns its ``make``.

    Static sites (:mod:`respite.sites.commands`) add their action to the same group with it.
    """
    group = sub.add_parser(
        "movements", help="humanitarian notifications: plan, notify, acknowledge, outcomes"
    )
    actions = group.add_subparsers(dest="action", required=True, parser_class=type(group))

    def make(name: str, handler: Handler, text: str, *, db: bool = True) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=text)
        if db:
            p.add_argument("--database", help="SQLAlchemy URL (default $RESPITE_DATABASE_URL)")
        p.set_defaults(handler=handler)
        return p

    _plan_parser(make)
    _write_parsers(make)
    _report_parsers(make)
    return make


def _plan_parser(make: Make) -> None:
    p = make("plan", plan, "which stretches are outside pauses; which departures fit", db=False)
    p.add_argument("--road", help="a shipped road (salah-al-din, al-rashid)")
    p.add_argument("--direction", choices=["south", "north"], default="south")
    p.add_argument("--path", help="'lon,lat;lon,lat;...' instead of --road")
    p.add_argument("--depart", required=True, help="ISO 8601; without offset: local in --tz")
    p.add_argument("--tz", default=DEFAULT_TIMEZONE, help=f"zone (default {DEFAULT_TIMEZONE})")
    pace = p.add_mutually_exclusive_group(required=True)
    pace.add_argument("--travel-minutes", type=float)
    pace.add_argument("--speed", type=float, help="km/h")
    p.add_argument(
        "--days",
        type=int,
        default=DEFAULT_SEARCH_DAYS,
        choices=range(1, MAX_SEARCH_DAYS + 1),
        metavar="N",
    )
    p.add_argument("--json", action="store_true")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--pauses", type=Path, help="a pause file")
    source.add_argument("--scenario", default=DEFAULT_SCENARIO)


def _write_parsers(make: Make) -> None:
    p = make("notify", notify, "notify a movement from a JSON file (audited)")
    p.add_argument("file")
    p.add_argument("--org", help="owner organisation slug (default the operator's)")
    p.add_argument("--days", type=int, default=DEFAULT_SEARCH_DAYS)
    p.add_argument("--json", action="store_true")

    p = make("import", import_csv, "notify movements from CSV (all or nothing)")
    p.add_argument("file")
    p.add_argument("--org", help="owner organisation slug (default the operator's)")
    p.add_argument("--dry-run", action="store_true")

    p = make("acknowledge", acknowledge, "record a party's acknowledgement")
    p.add_argument("id")
    p.add_argument("--party", required=True, help="the party organisation's slug")
    p.add_argument("--note")

    p = make("withdraw", withdraw, "withdraw a notification (a new version)")
    p.add_argument("id")
    p.add_argument("--reason", required=True)

    p = make("outcome", outcome, "record a mission's outcome from a JSON file")
    p.add_argument("id")
    p.add_argument("file")


def _report_parsers(make: Make) -> None:
    p = make("list", listing, "list movements")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")

    p = make("unacknowledged", unacknowledged, "what the parties have not acknowledged")
    p.add_argument("--within-hours", type=float, default=24.0)

    p = make("snapshot", snapshot, "the access snapshot for a period")
    p.add_argument("--from", dest="start", required=True, help="first local day YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, help="last local day (included)")
    p.add_argument("--area", choices=[a.value for a in Area])
    p.add_argument("--format", choices=["json", "hxl", "html"], default="json")
    p.add_argument("--out")

    p = make("progress", progress, "a pause's objective progress from movements and outcomes")
    p.add_argument("pause_id")
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
