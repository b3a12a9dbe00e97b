"""Command-line handlers for the service: serve, db, token, audit.

They live here, not in :mod:`respite.cli`, because they need the server extra (SQLAlchemy,
FastAPI, uvicorn) while ``respite check`` must work with the pure library alone.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from respite.accounts.commands import operator
from respite.accounts.service import create_user
from respite.accounts.tables import Organisation
from respite.accounts.tokens import issue_token, revoke_token
from respite.api.bootstrap import ensure_ready
from respite.api.settings import Settings
from respite.audit import commands as audit_commands
from respite.audit.checkpoint import load_or_create_key
from respite.clikit.session import database_argument
from respite.errors import InvalidInput, NotFound
from respite.roles import UserRole
from respite.storage import make_engine, session_factory, upgrade

EXIT_OK = 0
EXIT_FAILED = 1


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def serve(args: argparse.Namespace, out: Console) -> int:
    import uvicorn  # noqa: PLC0415 - only the serve command needs the ASGI server

    from respite.api.app import create_app  # noqa: PLC0415 - the app wires everything

    settings = Settings.from_env()
    base = f"http://{args.host}:{args.port}"
    database = args.database or settings.database_url
    settings = Settings(
        database_url=database,
        scenario=settings.scenario,
        base_url=base if settings.base_url == Settings().base_url else settings.base_url,
        cap_sender=settings.cap_sender,
        # A server database's key needs a path; the service keeps it in ./var by default.
        ledger_key=str(audit_commands.deployment_key_path(database, settings.ledger_key)),
    )
    engine = make_engine(settings.database_url)
    first = ensure_ready(engine, scenario=settings.scenario)
    key = load_or_create_key(Path(str(settings.ledger_key)))
    out.print(f"[bold]Respite[/] is serving {base} (database: {engine.url.render_as_string()})")
    out.print(f"  ledger signing key {key.trusted.key_id}: {key.path}", markup=False)
    if first is not None:
        out.print(f"  new database: loaded {first.pauses} pauses of '{settings.scenario}'")
        out.print(f"  administrator token (shown once, keep it): [bold]{first.admin_token}[/]")
    example = "/v1/status?lat=31.4171&lon=34.3510&at=2024-09-02T10:00%2B03:00"
    for label, path in [
        ("public map", "/"),
        ("is a place paused?", example),
        ("pauses", "/v1/pauses"),
        ("CAP alerts (Atom)", "/v1/cap"),
        ("GeoJSON", "/v1/feeds/pauses.geojson"),
        ("iCalendar", "/v1/feeds/pauses.ics"),
        ("HXL CSV", "/v1/feeds/pauses.hxl.csv"),
        ("OGC API Features", "/v1/collections/pauses/items"),
        ("ledger checkpoint", "/v1/audit/checkpoint (key: /.well-known/respite-ledger-key)"),
        ("API documentation", "/docs (OpenAPI at /openapi.json)"),
    ]:
        out.print(f"  {label:<20} {base}{path}", markup=False)
    engine.dispose()
    # uvicorn writes access lines at INFO: asking for the access log means that level.
    log_level = "info" if args.access_log else "warning"
    if args.workers > 1:
        # Each worker process builds its own app from the environment.
        os.environ["RESPITE_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
        os.environ["RESPITE_BASE_URL"] = settings.base_url
        os.environ["RESPITE_LEDGER_KEY"] = str(key.path)
        uvicorn.run(
            "respite.api.app:create_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=log_level,
            access_log=args.access_log,
        )
    else:
        uvicorn.run(
            create_app(settings, migrate=False),
            host=args.host,
            port=args.port,
            log_level=log_level,
            access_log=args.access_log,
        )
    return EXIT_OK


def db(args: argparse.Namespace, out: Console) -> int:
    engine = make_engine(args.database)
    try:
        if args.action == "upgrade":
            upgrade(engine)
            out.print(f"database at the latest schema: {engine.url.render_as_string()}")
            return EXIT_OK
        first = ensure_ready(engine, scenario=args.scenario)
    finally:
        engine.dispose()
    if first is None:
        out.print("database already initialised; nothing changed")
    else:
        out.print(f"initialised with {first.pauses} pauses; administrator token (shown once):")
        out.print(first.admin_token, markup=False)
    return EXIT_OK


def token(args: argparse.Namespace, out: Console) -> int:
    engine = make_engine(args.database)
    try:
        upgrade(engine)
        with session_factory(engine)() as session, session.begin():
            actor = operator(session)
            if args.action == "revoke":
                revoked = revoke_token(
                    session, token_id=args.id, actor_user_id=actor.id, now=_now()
                )
                out.print(f"token {revoked.id} revoked")
                return EXIT_OK
            organisation = actor.organisation_id
            if args.org:
                found = session.scalar(select(Organisation).where(Organisation.slug == args.org))
                if found is None:
                    raise NotFound(f"no organisation {args.org!r}")
                organisation = found.id
            role = UserRole(args.role)
            # A random part: two users made in the same second must not share an address.
            email = args.email or (
                f"{role.value}-{int(_now().timestamp())}-{secrets.token_hex(3)}@respite.local"
            )
            user = create_user(
                session,
                organisation_id=organisation,
                name=args.name or role.value,
                email=email,
                role=role,
                now=_now(),
                actor_user_id=actor.id,
            )
            ttl = None if args.ttl_days is None else timedelta(days=args.ttl_days)
            if ttl is not None and ttl <= timedelta(0):
                raise InvalidInput("must be more than zero", location="--ttl-days")
            secret = issue_token(
                session, user_id=user.id, now=_now(), ttl=ttl, actor_user_id=actor.id
            )
    finally:
        engine.dispose()
    sys.stdout.write(secret + "\n")
    sys.stderr.write(f"token for user {user.id} ({email}, role {role.value}); shown once\n")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the service commands on the ``respite`` parser."""

    p = sub.add_parser("serve", help="run the HTTP service (loads the scenario on first start)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--access-log", action="store_true")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    database_argument(p)
    p.set_defaults(handler=serve)

    p = sub.add_parser("db", help="upgrade the schema, or initialise an empty database")
    p.add_argument("action", choices=["upgrade", "init"])
    p.add_argument("--scenario", default="gaza-2023-2024")
    database_argument(p)
    p.set_defaults(handler=db)

    p = sub.add_parser("token", help="create a user with a role and print its token, or revoke")
    p.add_argument("action", choices=["create", "revoke"])
    p.add_argument("--role", choices=[r.value for r in UserRole], default="coordinator")
    p.add_argument("--org", help="organisation slug (default the operator's)")
    p.add_argument("--name")
    p.add_argument("--email")
    p.add_argument("--ttl-days", type=float)
    p.add_argument("--id", type=int, help="token id, for revoke")
    database_argument(p)
    p.set_defaults(handler=token)

    p = sub.add_parser(
        "audit", help="verify the audit ledger (against a checkpoint), or sign a checkpoint"
    )
    audit_commands.add_arguments(p)
    database_argument(p)
