"""A compliance report over an events Parquet dataset on Dask (a real cluster or a local one).

The dataset (one Parquet file, several, or a directory of them) is cut into *pieces* of whole
row groups from the files' footers. Each piece is read by a worker straight into an
:class:`EventTable` (Arrow, no pandas), joined there against the plan's zone-window rows with
our engine and counted into a partial :class:`Accumulator`; partials are merged up a tree on
the workers and only the merged one comes back. What travels: the plan (zones, windows,
options: tens of kilobytes, scattered once to every worker), the pieces' names, and the
partials (counts, and the few events that paired with some row). Events never leave the
worker that read them.

Why not ``dask.dataframe.read_parquet``: its partitions are pandas frames (a round trip we do
not need: the join wants Arrow/numpy columns), it keeps a small file in one partition (no
parallelism), and its reader trips pandas 3.1's deprecation of ``inplace`` (a warning per
partition). Reading row groups ourselves also gives each bad value its exact row number.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from distributed import Client, LocalCluster, as_completed

from respite.compliance.columnar import OPTIONAL, REQUIRED, table_from_arrow
from respite.compliance.frame import EventColumns, Pairs, ZoneWindows
from respite.compliance.join.index import JoinIndex
from respite.compliance.report.accumulate import Accumulator
from respite.compliance.windows import ReportPlan
from respite.errors import InvalidInput, Problem

#: How many partials one merge task combines.
SPLIT_EVERY = 8
#: Rows per piece: whole row groups are gathered until a piece has at least this many.
PIECE_ROWS = 250_000


@dataclass(frozen=True, slots=True)
class Piece:
    """Whole row groups of one file: the unit of work a worker reads and joins."""

    path: str
    label: str  # how problems name the file ("" when the dataset is one file)
    row_groups: tuple[int, ...]
    first_row: int  # within the file, from 0
    columns: tuple[str, ...]


@dataclass(slots=True)
class Partial:
    """What one piece (or a merge of several) hands back."""

    token: str  # the run's: partials of one run share one plan
    accumulator: Accumulator
    rows: int  # rows read, good and bad
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class DaskResult:
    accumulator: Accumulator  # bound to the caller's plan: ``.finish()`` gives the report
    rows: int  # rows read, good and bad
    problems: tuple[Problem, ...]  # ``row[N].column``, prefixed ``file:`` for a many-file set


@contextmanager
def dask_client(
    scheduler: str | None = None, *, workers: int = 2, processes: bool = True
) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, else of a new local cluster (closed after)."""
    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            # Worker processes talk over loopback only (threads use in-process channels);
            # the scheduler's HTTP server (health, metrics) takes a free port, not 8787,
            # which another cluster on the machine may hold.
            host="127.0.0.1" if processes else None,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def pieces(events: str | Path | Sequence[str | Path], piece_rows: int = PIECE_ROWS) -> list[Piece]:
    """The pieces of a Parquet file, a list of files or a directory (``*.parquet`` below it,
    in name order); reads only the footers, and checks every file's columns first."""
    paths = _files(events)
    problems: list[Problem] = []
    found: list[Piece] = []
    base = Path(events) if isinstance(events, str | Path) and Path(events).is_dir() else None
    for path in paths:
        label = "" if len(paths) == 1 else str(path.relative_to(base) if base else path)
        where = f"events[{label}]" if label else "events"
        try:
            meta = pq.ParquetFile(path).metadata
        except (pa.ArrowException, OSError) as error:
            problems.append(Problem(where, f"not a Parquet file: {error}"))
            continue
        names = meta.schema.to_arrow_schema().names
        problems += [
            Problem(f"{where}.{c}", "required column is missing")
            for c in REQUIRED
            if c not in names
        ]
        columns = tuple(c for c in REQUIRED + OPTIONAL if c in names)
        group: list[int] = []
        first = count = 0
        for g in range(meta.num_row_groups):
            group.append(g)
            count += meta.row_group(g).num_rows
            if count >= piece_rows or g == meta.num_row_groups - 1:
                found.append(Piece(str(path), label, tuple(group), first, columns))
                first, group, count = first + count, [], 0
    if problems:
        raise InvalidInput(problems)
    return found


def dask_accumulate(
    events: str | Path | Sequence[str | Path],
    plan: ReportPlan,
    client: Client,
    *,
    piece_rows: int = PIECE_ROWS,
    split_every: int = SPLIT_EVERY,
    progress: Callable[[int, int], None] | None = None,
) -> DaskResult:
    """Count every event of the Parquet dataset ``events`` into ``plan`` on the cluster.

    The workers open the files by the names given here: on a real cluster they must be on
    storage every worker sees under the same path. ``progress(done, total)`` counts pieces.
    """
    work = pieces(events, piece_rows)
    token = uuid.uuid4().hex
    shipped = client.scatter(plan, broadcast=True)  # type: ignore[no-untyped-call]
    partials = [client.submit(_piece, p, shipped, token, pure=False) for p in work]
    level = list(partials)
    while len(level) > 1:
        level = [
            client.submit(merge_partials, *level[i : i + split_every], pure=False)
            for i in range(0, len(level), split_every)
        ]
    if not level:  # a dataset of no rows at all
        return DaskResult(plan.accumulator(), 0, ())
    for done, _ in enumerate(as_completed(partials), start=1):  # type: ignore[no-untyped-call]
        if progress is not None:
            progress(done, len(partials))
    merged: Partial = level[0].result()
    merged.accumulator.plan = plan
    return DaskResult(merged.accumulator, merged.rows, merged.problems)


def merge_partials(*partials: Partial) -> Partial:
    """The partials merged in order (the first piece's events first)."""
    first = partials[0]
    acc = first.accumulator
    for other in partials[1:]:
        if other.token != first.token:
            raise ValueError("partials of different runs cannot be merged")
        # Each partial crossed the network with its own copy of the same plan; the
        # accumulator checks identity, so point the copy at ours.
        other.accumulator.plan = acc.plan
        acc = acc.merge(other.accumulator)
    return Partial(
        first.token,
        acc,
        sum(p.rows for p in partials),
        tuple(problem for p in partials for problem in p.problems),
    )


def _files(events: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(events, str | Path):
        path = Path(events)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".parquet", ".pq"))
            if not files:
                raise InvalidInput(f"no .parquet files under {path}", location="events")
            return files
        given = [path]
    else:
        given = [Path(p) for p in events]
    missing = [Problem("events", f"no such file: {p}") for p in given if not p.is_file()]
    if missing or not given:
        raise InvalidInput(missing or [Problem("events", "no files given")])
    return given


def _piece(piece: Piece, plan: ReportPlan, token: str) -> Partial:
    data = pq.ParquetFile(piece.path).read_row_groups(piece.row_groups, columns=piece.columns)
    table, problems = table_from_arrow(data, first_row=piece.first_row)
    if piece.label:
        problems = tuple(Problem(f"{piece.label}:{p.location}", p.message) for p in problems)
    acc = plan.accumulator()
    if not problems:
        # A run with bad rows fails; no need to join the rest.
        engine = _engine(token, plan.rows)
        acc.add(table, pairs_of=lambda events, _rows: engine(events))
    return Partial(token, acc, data.num_rows, problems)


_ENGINES: OrderedDict[str, Callable[[EventColumns], Pairs]] = OrderedDict()
_ENGINES_LOCK = threading.Lock()


def _engine(token: str, rows: ZoneWindows) -> Callable[[EventColumns], Pairs]:
    """The run's join index, built once per worker process and kept for its next pieces."""
    with _ENGINES_LOCK:
        if token in _ENGINES:
            _ENGINES.move_to_end(token)
            return _ENGINES[token]
    join = JoinIndex(rows).join
    with _ENGINES_LOCK:
        _ENGINES[token] = join
        while len(_ENGINES) > 4:
            _ENGINES.popitem(last=False)
    return join
