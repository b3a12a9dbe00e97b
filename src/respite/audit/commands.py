"""``respite audit verify [--checkpoint FILE|URL] [--key FILE|URL]`` and ``respite audit
checkpoint --out FILE``: the ledger's chain, and its checkpoints kept outside the database.

Exit codes: 0 verified (or written); 1 the ledger fails verification, or the checkpoint is not
signed by the trusted key or no longer matches the ledger; 2 bad input (an unreadable file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console

from respite.audit.checkpoint import (
    TrustedKey,
    check_extends,
    check_signature,
    default_key_path,
    load_or_create_key,
    read_checkpoint,
    trusted_key,
)
from respite.audit.ledger import VerifyReport, verify_chain
from respite.errors import CheckpointRefused, InvalidInput
from respite.storage.db import make_engine, session_factory

EXIT_OK = 0
EXIT_FAILED = 1
#: Where a server database's key goes when none is configured (relative to the working
#: directory, like the default SQLite file ./var/respite.db).
SERVER_DATABASE_KEY = Path("var") / "respite-ledger-key.pem"
#: The largest checkpoint, key or feed read from a URL (a checkpoint is under 1 kB).
MAX_DOWNLOAD = 4 * 1024 * 1024


def deployment_key_path(database: str | None, configured: str | None = None) -> Path:
    """The deployment's key file: configured (``--ledger-key``, ``$RESPITE_LEDGER_KEY``),
    else beside a SQLite database file, else :data:`SERVER_DATABASE_KEY`."""
    chosen = configured or os.environ.get("RESPITE_LEDGER_KEY")
    if chosen:
        return Path(chosen)
    return default_key_path(database) or SERVER_DATABASE_KEY


def read_source(source: str, *, location: str) -> bytes:
    """The bytes of a file, or of an http(s) URL (read only when the operator names one)."""
    if urlsplit(source).scheme in ("http", "https"):
        try:
            with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310 - http(s) only
                data: bytes = answer.read(MAX_DOWNLOAD + 1)
        except (OSError, ValueError) as error:
            raise InvalidInput(f"cannot fetch {source}: {error}", location=location) from None
        if len(data) > MAX_DOWNLOAD:
            raise InvalidInput(f"{source} is over {MAX_DOWNLOAD} bytes", location=location)
        return data
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror}", location=location) from None


def _trusted(args: argparse.Namespace) -> TrustedKey:
    if args.key:
        return trusted_key(read_source(args.key, location="--key"), location="--key")
    path = deployment_key_path(args.database, args.ledger_key)
    if not path.exists():
        raise InvalidInput(
            f"no ledger key at {path}; give --key FILE|URL (the key document published at "
            "/.well-known/respite-ledger-key)",
            location="--key",
        )
    return load_or_create_key(path).trusted


def verify(args: argparse.Namespace, out: Console) -> int:
    document = None
    if args.checkpoint:
        document = read_checkpoint(
            read_source(args.checkpoint, location="--checkpoint"), location="--checkpoint"
        )
        try:
            check_signature(document, _trusted(args))
        except CheckpointRefused as error:
            sys.stderr.write(f"checkpoint REFUSED: {error}\n")
            return EXIT_FAILED
    engine = make_engine(args.database)
    try:
        with session_factory(engine, read_only=True)() as session:
            report = check_extends(session, document) if document else verify_chain(session)
    finally:
        engine.dispose()
    return _report(report, document, out)


def _report(report: VerifyReport, document: dict[str, object] | None, out: Console) -> int:
    if report.ok:
        out.print(
            f"audit ledger verified: {report.checked} entries, last {report.last_seq} "
            f"({report.last_hash[:16]}...)"
        )
        if document is not None:
            out.print(
                f"it extends the checkpoint of entry {document['seq']} "
                f"({str(document['entry_hash'])[:16]}...) signed at {document['at']} by key "
                f"{document['key_id']} ({document['issuer']})"
            )
        return EXIT_OK
    for problem in report.problems:
        sys.stderr.write(f"audit entry {problem.seq}: {problem.fault.value}: {problem.message}\n")
    if document is not None and any(p.fault.value == "anchor_mismatch" for p in report.problems):
        sys.stderr.write(
            f"the ledger does NOT extend the checkpoint of entry {document['seq']} signed at "
            f"{document['at']}: history was rewritten or cut after it was published\n"
        )
    sys.stderr.write(f"audit ledger FAILED verification ({len(report.problems)} problem(s))\n")
    return EXIT_FAILED


def checkpoint(args: argparse.Namespace, out: Console) -> int:
    """Verify the whole chain, then sign its head and write the checkpoint to ``--out``."""
    key = load_or_create_key(deployment_key_path(args.database, args.ledger_key))
    engine = make_engine(args.database)
    try:
        with session_factory(engine, read_only=True)() as session:
            report = verify_chain(session)
    finally:
        engine.dispose()
    if not report.ok:
        _report(report, None, out)
        sys.stderr.write("no checkpoint written: a broken ledger is not signed\n")
        return EXIT_FAILED
    issuer = args.issuer or os.environ.get("RESPITE_BASE_URL") or "http://127.0.0.1:8000"
    signed = key.sign(
        issuer=issuer.rstrip("/"),
        seq=report.last_seq,
        entry_hash=report.last_hash,
        at=datetime.now(UTC),
    )
    text = json.dumps(signed, indent=1, ensure_ascii=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        out.print(
            f"checkpoint of entry {report.last_seq} written to {args.out} "
            f"(key {key.trusted.key_id}, {key.path})",
            markup=False,
        )
    return EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``audit`` command's options (its ``--database`` is added by the caller)."""
    parser.add_argument("action", choices=["verify", "checkpoint"])
    parser.add_argument(
        "--checkpoint", help="verify: a checkpoint (JSON, or an Atom feed carrying one), FILE|URL"
    )
    parser.add_argument(
        "--key", help="verify: the trusted public key (key document or PEM), FILE|URL"
    )
    parser.add_argument("--out", help="checkpoint: file to write (default standard output)")
    parser.add_argument("--issuer", help="checkpoint: the service's base URL it names")
    parser.add_argument(
        "--ledger-key",
        help="the deployment's signing key (default $RESPITE_LEDGER_KEY, beside a SQLite "
        "file, or ./var/respite-ledger-key.pem)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    return checkpoint(args, out) if args.action == "checkpoint" else verify(args, out)
