"""What every command that touches the database shares: the clock, the session, JSON in and out.

A command opens one transaction (:func:`database`): committed when the action returns, rolled
back on any error, so a failed command leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.orm import Session

from respite.errors import InvalidInput
from respite.storage import make_engine, session_factory, upgrade


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@contextmanager
def database(args: argparse.Namespace, *, write: bool = True) -> Iterator[Session]:
    engine = make_engine(args.database)
    try:
        upgrade(engine)
        with session_factory(engine, read_only=not write)() as session, session.begin():
            yield session
    finally:
        engine.dispose()


def read_json(path: str) -> dict[str, Any]:
    try:
        loaded = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot read {path}: {error}", location="file") from None
    if not isinstance(loaded, dict):
        raise InvalidInput("the file must hold one JSON object", location="file")
    return loaded


def print_json(out: Console, value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str))


#: Adds one action to a command group: ``make(name, handler, help, db=True)``.
Make = Callable[..., argparse.ArgumentParser]


def database_argument(parser: argparse.ArgumentParser) -> None:
    """``--database``: which store a command works on."""
    parser.add_argument(
        "--database", help="SQLAlchemy URL (default $RESPITE_DATABASE_URL or ./var/respite.db)"
    )
