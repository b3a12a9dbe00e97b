"""``respite movements site``: register a static site from a JSON file (audited)."""

from __future__ import annotations

import argparse

from rich.console import Console

from respite.accounts.commands import operator, organisation
from respite.clikit.session import Make, database, now, read_json
from respite.httpkit.params import parse_body
from respite.movements.model import NOTICE
from respite.sites import service as sites
from respite.sites.model import SiteSpec

EXIT_OK = 0


def site(args: argparse.Namespace, out: Console) -> int:
    spec = parse_body(read_json(args.file), SiteSpec)
    with database(args) as session:
        actor = operator(session)
        owner = organisation(session, args.org, actor, "--org")
        row = sites.register_site(
            session, spec=spec, owner_org_id=owner, user_id=actor.id, now=now()
        )
    out.print(f"registered site {row.id} (version 1)", markup=False)
    out.print(NOTICE.en, markup=False)
    return EXIT_OK


def add_parsers(make: Make) -> None:
    """Add ``site`` to the ``respite movements`` group (``make`` from its ``add_parsers``)."""
    p = make("site", site, "register a static site from a JSON file (audited)")
    p.add_argument("file")
    p.add_argument("--org", help="owner organisation slug (default the operator's)")
