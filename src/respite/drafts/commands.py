"""``respite draft FILE.txt [--date YYYY-MM-DD] [--tz ZONE] [--json]``.

Reads an announcement (UTF-8 text, ``-`` for stdin), prints whether it announces a pause, the
field list (field, value, span of text, confidence), what is left to fill in, and the draft
pause document (YAML), or with ``--json`` one object. Nothing is stored. Exit 2 on bad input:
an empty, binary or oversized file, a language without rules, a bad date or zone.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.markup import escape

from respite.drafting import SourceText, field_rows
from respite.errors import InvalidInput, Problem
from respite.pauses import load_pause_file
from respite.scenarios import load_scenario

from .service import Proposal, propose

EXIT_OK = 0
MAX_FILE_BYTES = 1_000_000  # one announcement is a few kB; more is not an announcement


def add_parsers(sub: Any) -> None:
    """Register ``respite draft`` on the command line's sub-parsers."""
    draft = sub.add_parser("draft", help="read an announcement text and propose its draft pause")
    draft.add_argument("file", help="the text (UTF-8), or - for standard input")
    draft.add_argument(
        "--date", help="the day the text was published, YYYY-MM-DD (default: today, UTC)"
    )
    draft.add_argument("--tz", help="IANA zone to read local times in when the text names none")
    draft.add_argument("--title", help="the source's title (default: the file name)")
    draft.add_argument("--publisher", help="who published the text")
    draft.add_argument("--url", help="where the text was published")
    draft.add_argument(
        "--amends", metavar="PAUSE_ID", help="the pause an extension extends (its end is moved)"
    )
    draft.add_argument(
        "--pauses", type=Path, help="pause file holding --amends (default: the bundled scenario)"
    )
    draft.add_argument("--json", action="store_true", help="print one JSON object")
    draft.set_defaults(handler=run)


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput([Problem("file", message)])


def _read(name: str) -> str:
    if name == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(name)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                limit = f"an announcement is at most {MAX_FILE_BYTES:,}"
                raise _bad_file(f"{name} is {size:,} bytes; {limit}")
            raw = path.read_bytes()
        except OSError as error:
            raise _bad_file(f"cannot read {name}: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _bad_file(f"input is over {MAX_FILE_BYTES:,} bytes; give one announcement")
    if b"\x00" in raw:
        raise _bad_file(f"{name} is binary, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _bad_file(f"{name} is not UTF-8 text (byte {error.start})") from None


def _date(value: str | None) -> tuple[date, bool]:
    if value is None:
        return datetime.now(UTC).date(), True
    try:
        return date.fromisoformat(value), False
    except ValueError:
        raise InvalidInput(
            [Problem("--date", f"{value!r} is not a date; write YYYY-MM-DD")]
        ) from None


def run(args: argparse.Namespace, out: Console) -> int:
    text = _read(args.file)
    text_date, assumed = _date(args.date)
    pauses = load_pause_file(args.pauses) if args.pauses else load_scenario() if args.amends else ()
    source = SourceText(
        title=args.title
        or (Path(args.file).name if args.file != "-" else "text from standard input"),
        publisher=args.publisher,
        url=args.url,
        date=text_date,
    )
    proposal = propose(
        text,
        text_date=text_date,
        timezone=args.tz,
        source=source,
        amends=args.amends,
        pauses=pauses,
    )
    result = proposal.to_json()
    if assumed:
        result["to_fill_in"].insert(0, "text_date (no --date: today assumed)")
    if args.json:
        out.file.write(json.dumps(result, ensure_ascii=False) + "\n")
        return EXIT_OK
    _print(proposal, result, out)
    return EXIT_OK


def _print(proposal: Proposal, result: dict[str, Any], out: Console) -> None:
    extraction = proposal.extraction
    kind = result["kind"]
    if extraction.is_announcement:
        about = f"text of {result['text_date']}, {result['language']}"
        out.print(f"[bold]ANNOUNCEMENT[/bold] of a {escape(str(kind))} ({about})")
    else:
        cue = extraction.kind.span.text if extraction.kind and extraction.kind.span else ""
        out.print(
            f"[bold]NO PAUSE ANNOUNCED[/bold]: {escape(str(kind))} ({escape(cue)!r}); no draft"
        )
    # One line per field (no table: long Arabic spans must not be wrapped or cut).
    out.print("field | value | span | confidence")
    for name, value, span, confidence in field_rows(extraction):
        out.print(
            escape(f"{name} | {value} | {span} | {confidence}"), overflow="ignore", crop=False
        )
    if result["to_fill_in"]:
        out.print("To fill in: " + escape("; ".join(result["to_fill_in"])))
    if result["draft"] is not None:
        out.print("\nDraft (status draft, unpublished; confirm every field before recording it):")
        out.print(
            escape(yaml.safe_dump(result["draft"], allow_unicode=True, sort_keys=False)), end=""
        )
    if result["amendment"] is not None:
        out.print("\nAmendment (extend):")
        out.print(
            escape(yaml.safe_dump(result["amendment"], allow_unicode=True, sort_keys=False)), end=""
        )
