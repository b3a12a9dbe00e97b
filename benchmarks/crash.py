"""Crash cycles: ``kill -9`` the running service during a stream of writes, restart, check.

``benchmarks/crash`` runs, for each backend (SQLite in a temporary directory; PostgreSQL in a
database of its own, created and dropped on the server at ``--postgres``), ``--cycles`` times:

1. start ``respite serve`` on the database (a separate process, as in production) and wait
   for ``/v1/health``;
2. check the store: every write acknowledged so far, in any cycle, is there; nothing is
   half-written (:mod:`benchmarks.crash_checks`); ``respite audit verify`` passes; the last
   acknowledged pause answers through the API at its version or later;
3. stream mixed writes from ``--clients`` connections (:mod:`benchmarks.crash_stream`) and,
   a random 0.3-1.5 s (``--min-run``/``--max-run``) after the cycle's first acknowledged
   write, SIGKILL the server: no shutdown, no
   flush, whatever was in flight is cut.

After the last cycle the server is started and checked once more. Figures per backend: cycles,
writes acknowledged, lost (must be 0), half-written records and failed verifications (must be
0), writes in flight at the kills and how many of those had landed. Progress goes to stderr,
a table to stdout, and the last line of stdout is one JSON object. Exit 1 when anything was
lost, half-written or failed to verify.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from benchmarks.crash_checks import half_written, landed, lost_writes
from benchmarks.crash_stream import Tally, Writer, make_cast
from respite import cli
from respite.api.bootstrap import ensure_ready
from respite.storage import make_engine

HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


class Failed(Exception):
    """The harness could not run (the server did not start, a writer hit a bug)."""


@dataclass(frozen=True)
class Options:
    cycles: int = 10
    backends: tuple[str, ...] = BACKENDS
    clients: int = 2
    min_run: float = 0.3
    max_run: float = 1.5
    seed: int = 17
    postgres: str = DEFAULT_POSTGRES
    startup_timeout: float = 90.0


@dataclass
class Figures:
    backend: str
    cycles: int = 0
    acknowledged: int = 0
    lost: int = 0
    half_written: int = 0
    verify_failures: int = 0
    api_failures: int = 0
    in_flight: int = 0
    in_flight_landed: int = 0
    refused: int = 0
    ledger_entries: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.half_written or self.verify_failures or self.api_failures)


# -- databases and the server ------------------------------------------------------------------


@contextlib.contextmanager
def database(backend: str, postgres: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL for ``backend``; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'respite.db'}"
        return
    import psycopg  # noqa: PLC0415 - only the PostgreSQL backend needs it

    admin = make_url(postgres)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"respite_crash_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    log: Path
    timeout: float
    process: subprocess.Popen[bytes] | None = None
    base_url: str = ""

    def start(self) -> None:
        port = free_port()
        self.base_url = f"http://{HOST}:{port}"
        command = [sys.executable, "-m", "respite.cli", "serve", "--host", HOST, "--port"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, str(port), "--database", self.url],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"the server exited ({self.process.returncode}): {self._tail()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base_url}/v1/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        self.kill()
        raise Failed(f"the server did not answer within {self.timeout:.0f} s: {self._tail()}")

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)
            self.process.wait(timeout=60)
        self.process = None

    def _tail(self) -> str:
        return " | ".join(self.log.read_text(errors="replace").splitlines()[-5:])


def audit_verify(url: str) -> tuple[bool, str]:
    """``respite audit verify``, the operator's command (run in this process: a new interpreter
    per check would double each cycle): its exit status and last line."""
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        status = cli.main(["audit", "verify", "--database", url])
    lines = captured.getvalue().strip().splitlines()
    return status == 0, lines[-1] if lines else ""


# -- the cycles --------------------------------------------------------------------------------


def check(engine: Engine, server: Server, url: str, tally: Tally, figures: Figures) -> None:
    """Everything acknowledged so far is stored whole, and the ledger verifies."""
    lost = lost_writes(engine, tally.acknowledged)
    partial = half_written(engine)
    verified, line = audit_verify(url)
    figures.lost = max(figures.lost, len(lost))
    figures.half_written += len(partial)
    figures.verify_failures += 0 if verified else 1
    figures.problems.extend(f"lost: {e}" for e in lost[:5])
    figures.problems.extend(partial[:5])
    if not verified:
        figures.problems.append(f"audit verify: {line}")
    figures.ledger_entries = int(line.split(" entries")[0].rsplit(" ", 1)[-1]) if verified else 0
    pauses = [e for e in tally.acknowledged if e.kind in ("pause", "amendment")]
    if pauses:
        last = pauses[-1]
        answer = httpx.get(
            f"{server.base_url}/v1/pauses/{last.subject}",
            headers={"Authorization": f"Bearer {tally.cast.admin}"},
            timeout=30,
        )
        if answer.status_code != 200 or int(answer.json()["version"]) < last.version:
            figures.problems.append(f"API: pause {last.subject} answers {answer.status_code}")
            figures.api_failures += 1


def one_cycle(
    server: Server, tally: Tally, cycle: int, options: Options, rng: random.Random
) -> None:
    """Writes from ``options.clients`` connections, then SIGKILL after a random moment."""
    stop = threading.Event()
    writers = [
        Writer(server.base_url, tally, stop, f"c{cycle}w{i}", rng.randrange(2**32))
        for i in range(options.clients)
    ]
    before = len(tally.acknowledged)
    for writer in writers:
        writer.start()
    # The first answers after a start are slow (caches fill), so the random moment is counted
    # from the cycle's first acknowledged write: every cycle then kills a stream that is going.
    deadline = time.monotonic() + options.startup_timeout
    while len(tally.acknowledged) == before and time.monotonic() < deadline:
        if any(w.error is not None or not w.is_alive() for w in writers):
            break
        time.sleep(0.01)
    time.sleep(rng.uniform(options.min_run, options.max_run))
    server.kill()
    stop.set()
    for writer in writers:
        writer.join(timeout=120)
        if writer.error is not None:
            raise Failed(f"writer {writer.name}: {writer.error!r}") from writer.error


def run_backend(backend: str, options: Options, progress: Progress) -> Figures:
    figures = Figures(backend)
    rng = random.Random(f"{options.seed}-{backend}")
    task = progress.add_task(backend, total=options.cycles)
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="respite-crash-") as tmp,
        database(backend, options.postgres, Path(tmp)) as url,
    ):
        engine = make_engine(url)
        try:
            first = ensure_ready(engine, scenario="gaza-2023-2024")
            assert first is not None, "a fresh database is bootstrapped"
            server = Server(url, Path(tmp) / "server.log", options.startup_timeout)
            server.start()
            cast = make_cast(server.base_url, first.admin_token, secrets.token_hex(3))
            tally = Tally(cast)
            try:
                for cycle in range(options.cycles):
                    if server.process is None:
                        server.start()
                    check(engine, server, url, tally, figures)
                    one_cycle(server, tally, cycle, options, rng)
                    figures.cycles += 1
                    progress.update(task, advance=1, description=f"{backend}: {_line(tally)}")
                server.start()
                check(engine, server, url, tally, figures)
            finally:
                server.kill(signal.SIGTERM)
            figures.acknowledged = len(tally.acknowledged)
            figures.in_flight = len(tally.in_flight)
            figures.in_flight_landed = landed(engine, tally.in_flight)
            figures.refused = tally.refused
        finally:
            engine.dispose()
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures


def _line(tally: Tally) -> str:
    return f"{len(tally.acknowledged)} acknowledged, {len(tally.in_flight)} in flight at kills"


def run(options: Options, err: Console | None = None) -> list[Figures]:
    err = err or Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err) as progress:
        return [run_backend(backend, options, progress) for backend in options.backends]


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="benchmarks/crash",
        description="kill -9 the service during writes, restart, check nothing was lost.",
    )
    parser.add_argument("--cycles", type=int, default=100, help="kills per backend (100)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=2, help="writing connections (2)")
    parser.add_argument("--min-run", type=float, default=0.3, help="shortest run before a kill")
    parser.add_argument("--max-run", type=float, default=1.5, help="longest run before a kill")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("RESPITE_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL URL whose user may create databases (one is made and dropped)",
    )
    args = parser.parse_args(argv)
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        parser.error(f"--backends: unknown {', '.join(unknown)} (sqlite, postgresql)")
    if args.cycles < 1 or args.clients < 1 or not 0 < args.min_run <= args.max_run:
        parser.error("--cycles and --clients must be >= 1, and 0 < --min-run <= --max-run")
    return Options(
        cycles=args.cycles,
        backends=backends,
        clients=args.clients,
        min_run=args.min_run,
        max_run=args.max_run,
        seed=args.seed,
        postgres=args.postgres,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    results = run(options)
    table = Table(title=f"crash cycles ({options.clients} writing connections)")
    for column in ["backend", "cycles", "acknowledged", "lost", "half-written", "verify failed"]:
        table.add_column(column, justify="right")
    table.add_column("in flight (landed)", justify="right")
    for f in results:
        table.add_row(
            f.backend,
            f"{f.cycles}",
            f"{f.acknowledged:,}",
            f"{f.lost}",
            f"{f.half_written}",
            f"{f.verify_failures}",
            f"{f.in_flight} ({f.in_flight_landed})",
        )
    out = Console(highlight=False)
    out.print(table)
    for f in results:
        for problem in f.problems[:20]:
            out.print(f"{f.backend}: {problem}", markup=False)
    print(json.dumps({"options": asdict(options), "results": [asdict(f) for f in results]}))
    return 0 if all(f.ok for f in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
