"""``respite incidents import acled|csv|geojson FILE``: stream a file into the store.

The file is hashed first (SHA-256, kept on the import run), then read once through the
reader, ``--batch-size`` rows per transaction (see :mod:`respite.incidents.importer`), with a
progress bar by bytes read on a terminal. At the end: a summary table, the first
:data:`SHOWN` rejected rows' problems, and the full list in ``--errors-to FILE`` (CSV: row,
location, message), written as the rows are met, so it can be as long as the file.

Exit code: 0 when the rows that could be read were imported, even if others were rejected
(the count is printed in bold on stderr: ``N ROWS REJECTED``); 2 when the file or options are
unusable, or when every row was rejected (nothing could be imported).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from respite.accounts.commands import operator, organisation
from respite.clikit.session import now
from respite.errors import InvalidInput
from respite.events.acled import read_acled
from respite.events.geojson_in import read_geojson
from respite.events.mapped_csv import ColumnMapping, read_mapped_csv
from respite.events.record import IncidentSource, ParsedRow
from respite.incidents.importer import ImportProgress, ImportSummary, import_rows
from respite.incidents.tables import ReviewState, Visibility
from respite.storage import make_engine, session_factory, upgrade

EXIT_OK = 0
EXIT_BAD_INPUT = 2
#: Rejected rows' problems printed; the rest are counted (and all go to --errors-to).
SHOWN = 50

Rows = Iterator[ParsedRow]


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def progress_console() -> Console:
    """Where the bar is drawn (stderr; nothing unless it is a terminal)."""
    return Console(stderr=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _reader(args: argparse.Namespace, binary: io.BufferedReader) -> tuple[Rows, dict[str, Any]]:
    """The reader's rows over ``binary`` and the options to keep on the run."""
    if args.kind == "geojson":
        return read_geojson(binary, timezone=args.tz), {"reader": "geojson", "timezone": args.tz}
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    if args.kind == "acled":
        return read_acled(text, timezone=args.tz), {"reader": "acled", "timezone": args.tz}
    mapping = ColumnMapping.parse(args.map or [])
    rows = read_mapped_csv(text, mapping, timezone=args.tz)
    return rows, {"reader": "csv", "timezone": args.tz, "mapping": list(args.map)}


@contextmanager
def _bar(console: Console, total: int, label: str) -> Iterator[Callable[[int, str], None]]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]}"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total, rows="")

        def step(done: int, rows: str = "") -> None:
            progress.update(task, completed=done, rows=rows)

        yield step


class _Errors:
    """Rejected rows: the first SHOWN problems kept for the screen, all written to a CSV."""

    def __init__(self, target: IO[str] | None) -> None:
        self.writer = None if target is None else csv.writer(target)
        if self.writer is not None:
            self.writer.writerow(["row", "location", "message"])
        self.shown: list[str] = []
        self.problems = 0

    def __call__(self, row: ParsedRow) -> None:
        for problem in row.problems:
            self.problems += 1
            if len(self.shown) < SHOWN:
                self.shown.append(str(problem))
            if self.writer is not None:
                self.writer.writerow([row.location, problem.location, problem.message])


def run_import(args: argparse.Namespace, out: Console) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput(f"no file {path}", location="file")
    source = {"acled": IncidentSource.ACLED, "csv": IncidentSource.CSV}.get(
        args.kind, IncidentSource.GEOJSON
    )
    dataset = args.dataset or ("acled" if args.kind == "acled" else None)
    if dataset is None:
        raise InvalidInput(
            "name the import stream (e.g. --dataset ngo-reports); re-imports of the same "
            "stream update it",
            location="--dataset",
        )
    sha = file_sha256(path)
    total = path.stat().st_size
    engine = make_engine(args.database)
    try:
        upgrade(engine)
        with ExitStack() as stack:
            errors_file = None
            if args.errors_to:
                errors_file = stack.enter_context(
                    Path(args.errors_to).open("w", encoding="utf-8", newline="")
                )
            errors = _Errors(errors_file)
            counter = CountingReader(stack.enter_context(path.open("rb")))
            rows, options = _reader(args, io.BufferedReader(counter))
            step = stack.enter_context(_bar(progress_console(), total, path.name))

            def progress(seen: ImportProgress) -> None:
                step(counter.count, f"{seen.rows_read:,} rows, {seen.rejected:,} rejected")

            session = stack.enter_context(session_factory(engine)())
            actor = operator(session)
            owner = organisation(session, args.owner, actor, "--owner")
            summary = import_rows(
                session,
                rows,
                source=source,
                dataset=dataset,
                owner_org_id=owner,
                visibility=Visibility(args.visibility),
                user_id=actor.id,
                now=now(),
                clock=now,
                file_sha256=sha,
                file_name=path.name,
                options=options,
                review_state=ReviewState.VERIFIED if args.verified else ReviewState.SUBMITTED,
                batch_size=args.batch_size,
                progress=progress,
                on_rejected=errors,
            )
    finally:
        engine.dispose()
    return _report(out, path, summary, errors, args.errors_to)


def _report(
    out: Console, path: Path, summary: ImportSummary, errors: _Errors, errors_to: str | None
) -> int:
    table = Table(title=f"{path.name}: import run {summary.run_id} ({summary.dataset})")
    for column in ("read", "inserted", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            f"{n:,}"
            for n in (
                summary.rows_read,
                summary.inserted,
                summary.updated,
                summary.unchanged,
                summary.rejected,
            )
        )
    )
    out.print(table)
    out.print(f"file SHA-256 {summary.file_sha256}", markup=False)
    if not summary.rejected:
        return EXIT_OK
    for line in errors.shown:
        sys.stderr.write(f"{path}: {line}\n")
    if errors.problems > len(errors.shown):
        more = errors.problems - len(errors.shown)
        where = f"all in {errors_to}" if errors_to else "use --errors-to FILE for all"
        sys.stderr.write(f"{path}: ... and {more:,} more problem(s) ({where})\n")
    Console(stderr=True).print(
        f"[bold red]{summary.rejected:,} ROW(S) REJECTED[/] (not imported; "
        f"{summary.rows_read - summary.rejected:,} imported or unchanged)",
        highlight=False,
    )
    return EXIT_BAD_INPUT if summary.rejected == summary.rows_read else EXIT_OK


def add_import_parsers(make: Callable[..., argparse.ArgumentParser]) -> None:
    group = make("import", None, "import incidents from a file (streamed, idempotent)")
    kinds = group.add_subparsers(dest="kind", required=True, parser_class=type(group))
    for kind, text in (
        ("acled", "an ACLED CSV export"),
        ("csv", "any CSV, through --map target=column pairs"),
        ("geojson", "GeoJSON features (FeatureCollection or RFC 8142 text sequence)"),
    ):
        p = kinds.add_parser(kind, help=text)
        p.add_argument("file")
        p.add_argument("--owner", help="owner organisation slug (default the operator's)")
        p.add_argument(
            "--visibility", choices=[v.value for v in Visibility], default="organisation"
        )
        p.add_argument(
            "--dataset",
            help="the import stream's name (default 'acled' for ACLED; required otherwise)",
        )
        p.add_argument("--tz", default="Asia/Gaza", help="zone of local dates and times")
        p.add_argument("--verified", action="store_true", help="import as verified")
        p.add_argument("--errors-to", help="write every rejected row's problems to this CSV")
        p.add_argument("--batch-size", type=int, default=2000)
        p.add_argument("--database", help="SQLAlchemy URL (default $RESPITE_DATABASE_URL)")
        if kind == "csv":
            p.add_argument("--map", action="append", required=True, metavar="TARGET=COLUMN")
        p.set_defaults(handler=run_import)
