"""Big event files (Parquet, CSV) read in batches straight into columnar :class:`EventTable`.

The *events file*: one row per event, columns in any order, other columns ignored.

============== ========= ===================================================================
column         required  values
============== ========= ===================================================================
key            yes       text (or integer): the event's id as reports show it
lon, lat       yes       WGS 84 degrees
t_lo           yes       start (inclusive): a timestamp with a zone (Parquet), ISO 8601 with
                         a UTC offset (``2024-09-02T10:00+03:00``, ``...Z``) or integer UTC
                         seconds; sub-second starts are floored to the second
t_hi           yes       end (exclusive), after ``t_lo``, same forms; sub-second ends ceiled
radius_m       no (0)    metres >= 0 around ``lon, lat`` where the event may have been
event_type     no        text; ``unspecified`` when the column is absent
fatalities     no        integer >= 0; empty/null = not reported (which is not zero)
time_precision no        a :class:`~respite.events.record.TimePrecision` value (``span``)
geo_precision  no        a :class:`~respite.events.record.GeoPrecision` value (``exact``)
location       no        text
============== ========= ===================================================================

Values are converted column by column with Arrow kernels (:mod:`.columnar_values`), never
one Python object per number. A missing column or an unusable column type raises
:class:`InvalidInput` naming the column; a bad value makes a per-row :class:`Problem`
(``row[N].column``: CSV rows numbered as a spreadsheet does, header = row 1; Parquet rows from
0) and the row is left out of that batch's table, so a caller decides whether to stop (the CLI
does) or to go on.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from respite.compliance.columnar_values import UNSPECIFIED_TYPE, table_from_arrow
from respite.compliance.event_table import UNKNOWN_FATALITIES, EventTable
from respite.compliance.frame import EventColumns
from respite.errors import InvalidInput, Problem
from respite.events.acled import read_acled
from respite.events.precision import PrecisionPolicy
from respite.events.record import IncidentRecord
from respite.geometry.metric import LocalProjection

REQUIRED = ("key", "lon", "lat", "t_lo", "t_hi")
OPTIONAL = ("radius_m", "event_type", "fatalities", "time_precision", "geo_precision", "location")
DEFAULT_BATCH_ROWS = 250_000


@dataclass(frozen=True, slots=True)
class EventBatch:
    """One batch: its good rows as a table, and a problem for each bad value."""

    table: EventTable
    problems: tuple[Problem, ...]
    first_row: int  # position in the file (from 0) of this batch's first row, good or bad
    rows: int  # rows read, good and bad
    done: int  # progress through the file so far, in :attr:`EventsFile.unit`


class EventsFile:
    """An events file, its columns checked; :meth:`batches` streams it.

    Progress is counted in rows for Parquet (the footer says how many) and in bytes read for
    CSV (a streamed CSV's row count is unknown until its end).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        name = self.path.name.lower()
        if not self.path.is_file():
            raise InvalidInput(f"no such file: {self.path}", location="events")
        if name.endswith((".parquet", ".pq")):
            self.kind: Literal["parquet", "csv"] = "parquet"
            self.unit: Literal["rows", "bytes"] = "rows"
            try:
                meta = pq.ParquetFile(self.path)
            except (pa.ArrowException, OSError) as error:
                raise InvalidInput(f"not a Parquet file: {error}", location="events") from None
            self.total = meta.metadata.num_rows
            names = list(meta.schema_arrow.names)
        elif name.endswith((".csv", ".csv.gz")):
            self.kind, self.unit = "csv", "bytes"
            self.total = self.path.stat().st_size
            names = _csv_header(self.path)
        else:
            raise InvalidInput(
                f"{self.path.name}: an events file is .parquet, .csv or .csv.gz", location="events"
            )
        missing = [c for c in REQUIRED if c not in names]
        doubled = sorted({c for c in names if names.count(c) > 1 and c in REQUIRED + OPTIONAL})
        problems = [Problem(f"events.{c}", "required column is missing") for c in missing]
        problems += [Problem(f"events.{c}", "column appears more than once") for c in doubled]
        if problems:
            raise InvalidInput(problems)
        self.columns = [c for c in REQUIRED + OPTIONAL if c in names]

    def batches(self, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[EventBatch]:
        if batch_rows < 1:
            raise InvalidInput("must be at least 1", location="batch_rows")
        row_base = 0 if self.kind == "parquet" else 2
        first = 0
        for data, done in self._raw(batch_rows):
            table, problems = table_from_arrow(data, first_row=first, row_base=row_base)
            yield EventBatch(table, problems, first, data.num_rows, done)
            first += data.num_rows

    def _raw(self, batch_rows: int) -> Iterator[tuple[pa.Table, int]]:
        if self.kind == "parquet":
            done = 0
            source = pq.ParquetFile(self.path).iter_batches(batch_rows, columns=self.columns)
            for data in _rebatch(source, batch_rows):
                done += data.num_rows
                yield data, done
            return
        raw = pa.OSFile(str(self.path))
        stream: pa.NativeFile = raw
        if self.path.name.lower().endswith(".gz"):
            stream = pa.CompressedInputStream(raw, "gzip")
        types = dict.fromkeys(self.columns, pa.string())
        ragged = _RaggedRows()
        try:
            reader = pa_csv.open_csv(
                stream,
                # One thread: Arrow then knows each ragged row's number (and threads gained
                # nothing measurable here). Quoted cells may hold line breaks (notes); rows
                # are then records, numbered as a spreadsheet shows them.
                read_options=pa_csv.ReadOptions(use_threads=False),
                parse_options=pa_csv.ParseOptions(
                    newlines_in_values=True, invalid_row_handler=ragged
                ),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=self.columns, column_types=types, strings_can_be_null=False
                ),
            )
            for data in _rebatch(_csv_batches(reader, self.path, ragged), batch_rows):
                yield data, min(raw.tell(), self.total)
        except pa.ArrowInvalid as error:  # while opening: the first block is parsed at once
            raise _unreadable(error, self.path, ragged) from None
        finally:
            raw.close()


__all__ = [
    "DEFAULT_BATCH_ROWS",
    "EVENTS_SCHEMA",
    "OPTIONAL",
    "REQUIRED",
    "UNSPECIFIED_TYPE",
    "EventBatch",
    "EventsFile",
    "convert_acled",
    "events_to_arrow",
    "project",
    "read_events",
    "table_from_arrow",
]


def read_events(path: str | Path, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[EventBatch]:
    """The events file at ``path``, ``batch_rows`` rows at a time."""
    return EventsFile(path).batches(batch_rows)


def project(table: EventTable, projection: LocalProjection) -> EventColumns:
    """The events in ``projection``'s metric frame (one PROJ call per column pair)."""
    x, y = projection.xy_to_metric(table.lon, table.lat)
    return EventColumns(
        x=x,
        y=y,
        t_lo=table.t_lo,
        t_hi=table.t_hi,
        radius=table.radius_m,
    )


EVENTS_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("lon", pa.float64()),
        ("lat", pa.float64()),
        ("t_lo", pa.timestamp("s", tz="UTC")),
        ("t_hi", pa.timestamp("s", tz="UTC")),
        ("radius_m", pa.float64()),
        ("event_type", pa.string()),
        ("fatalities", pa.int64()),
        ("time_precision", pa.string()),
        ("geo_precision", pa.string()),
        ("location", pa.string()),
    ]
)


def events_to_arrow(table: EventTable) -> pa.Table:
    """The table in the events-file schema (unknown fatalities as null), e.g. to write Parquet."""
    unknown = table.fatalities == UNKNOWN_FATALITIES
    columns = [
        pa.array(table.key, pa.string()),
        pa.array(table.lon),
        pa.array(table.lat),
        pa.array(table.t_lo).cast(pa.timestamp("s", tz="UTC")),
        pa.array(table.t_hi).cast(pa.timestamp("s", tz="UTC")),
        pa.array(table.radius_m),
        pa.array(table.event_type, pa.string()),
        pa.array(table.fatalities, mask=unknown),
        pa.array(table.time_precision, pa.string()),
        pa.array(table.geo_precision, pa.string()),
        pa.array(table.location, pa.string()),
    ]
    return pa.Table.from_arrays(columns, schema=EVENTS_SCHEMA)


# -- reading -----------------------------------------------------------------------------------


def _csv_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            line = f.readline().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the CSV header: {error}", location="events") from None
    return next(csv.reader([line]), [])


class _RaggedRows:
    """Remembers the first row with the wrong number of cells, for a message naming it."""

    def __init__(self) -> None:
        self.first: Problem | None = None

    def __call__(self, row: Any) -> str:
        if self.first is None:
            message = f"has {row.actual_columns} cells but the header has {row.expected_columns}"
            where = "events" if row.number is None else f"row[{row.number}]"
            if row.number is None:
                message = f"a row {message}: {row.text[:80]!r}"
            self.first = Problem(where, message)
        return "error"


def _csv_batches(
    reader: pa_csv.CSVStreamingReader, path: Path, ragged: _RaggedRows
) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as error:
            raise _unreadable(error, path, ragged) from None


def _unreadable(error: Exception, path: Path, ragged: _RaggedRows) -> InvalidInput:
    """A ragged row, bad quoting or text that is not UTF-8, said as precisely as known."""
    if ragged.first is not None:
        return InvalidInput([ragged.first])
    return InvalidInput(f"{path.name}: {error}", location="events")


def _rebatch(source: Iterator[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    held: list[pa.RecordBatch] = []
    count = 0
    for batch in source:
        held.append(batch)
        count += batch.num_rows
        while count >= size:
            table = pa.Table.from_batches(held).combine_chunks()
            yield table.slice(0, size)
            rest = table.slice(size)
            held, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(held).combine_chunks()


@dataclass(frozen=True, slots=True)
class Converted:
    rows: int  # data rows read
    events: int  # rows written


def convert_acled(
    source: str | Path,
    out: str | Path,
    *,
    timezone: str = "Asia/Gaza",
    policy: PrecisionPolicy | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> Converted:
    """An ACLED CSV export as an events Parquet file, through the ACLED precision rules.

    Streams: ``batch_rows`` records in memory at a time. Any bad row raises InvalidInput
    listing every one after the whole file is read, and leaves no output file behind.
    ``progress(bytes_read, total_bytes)`` after each batch.
    """
    source, out = Path(source), Path(out)
    total = source.stat().st_size
    partial = out.with_name(f".{out.name}.partial")
    problems: list[Problem] = []
    keys: list[str] = []
    records: list[IncidentRecord] = []
    rows = written = 0
    try:
        with (
            source.open("rb") as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            pq.ParquetWriter(partial, EVENTS_SCHEMA) as writer,
        ):

            def flush() -> None:
                writer.write_table(events_to_arrow(EventTable.from_records(keys, records)))

            for parsed in read_acled(text, timezone=timezone, policy=policy):
                rows += 1
                if progress is not None and rows % batch_rows == 0:
                    progress(raw.tell(), total)
                problems.extend(parsed.problems)
                if parsed.record is None or problems:
                    continue  # after a problem, only listing the others matters
                keys.append(parsed.record.source_key)
                records.append(parsed.record)
                if len(records) >= batch_rows:
                    flush()
                    written += len(records)
                    keys, records = [], []
            if records and not problems:
                flush()
                written += len(records)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if problems:
        partial.unlink(missing_ok=True)
        raise InvalidInput(problems)
    partial.replace(out)
    if progress is not None:
        progress(total, total)
    return Converted(rows, written)
