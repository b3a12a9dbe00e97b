"""``respite load``: import a pause file into the database (audited).

The pure commands over pause files (``status``, ``route``, ``validate``, ``export``) need no
database and stay in :mod:`respite.cli`.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from sqlalchemy import select

from respite.accounts.commands import operator
from respite.accounts.tables import Organisation
from respite.clikit.session import database_argument, now
from respite.errors import NotFound
from respite.pauses.service import import_file
from respite.storage import make_engine, session_factory, upgrade

EXIT_OK = 0


def load(args: argparse.Namespace, out: Console) -> int:
    engine = make_engine(args.database)
    try:
        upgrade(engine)
        with session_factory(engine)() as session, session.begin():
            actor = operator(session)
            owner = actor.organisation_id
            if args.org:
                found = session.scalar(select(Organisation).where(Organisation.slug == args.org))
                if found is None:
                    raise NotFound(f"no organisation {args.org!r}")
                owner = found.id
            report = import_file(
                session, args.file, owner_org_id=owner, user_id=actor.id, now=now()
            )
    finally:
        engine.dispose()
    out.print(
        f"{args.file}: {len(report.created)} created, {len(report.amended)} amended, "
        f"{len(report.edited)} edited, {len(report.unchanged)} unchanged"
    )
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``respite load`` on the ``respite`` parser."""
    p = sub.add_parser("load", help="import a pause file into the database (audited)")
    p.add_argument("file")
    p.add_argument("--org", help="owner organisation slug (default the operator's)")
    database_argument(p)
    p.set_defaults(handler=load)
