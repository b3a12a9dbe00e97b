"""Load benchmark: the running HTTP service on loopback, driven by ``wrk``.

``benchmarks/load`` starts ``respite serve`` on a free 127.0.0.1 port with a fresh SQLite
database in a temporary directory (so the bundled gaza-2023-2024 scenario is loaded), waits
for ``/v1/health``, checks a few hundred answers, warms up, and then runs ``wrk`` for a
bounded time against each endpoint in turn, never two at the same time:

* ``/v1/health``: the trivial endpoint, the ceiling of this server on this machine;
* ``/v1/status``: a pool of 20,000 questions (``benchmarks/load.lua`` cycles through it):
  80 % random points in the Gaza Strip's bounding box at random moments between November 2023
  and September 2024 (a tenth of them "now"), where almost nothing is covered, and 20 % drawn
  inside a published window and zone (``--covered-share``), whose answers are longer;
* ``/v1/cap``: the default Atom feed of CAP alerts.

It reports requests per second, p50/p99 latency and errors (non-2xx/3xx and socket errors,
timeouts included) per endpoint, with the issue's targets: ``/v1/status`` at least 60 % of the
health rate, p99 under 25 ms, no errors. A table goes to stdout, progress to stderr, and the
last line on stdout is one JSON object with every figure. The answers are checked before the
load (status 200, a verdict, covered where a window holds; the feed is Atom): a fast wrong
answer is worth nothing.

Why ``-t1 -c32`` by default: the server is one Python process, so one core at most, and wrk
shares the 2-core machine with it; one wrk thread needs about a tenth of a core at these rates
and leaves the server a whole core. 32 keep-alive connections keep the server saturated (it is
at one full core from 8 connections on), so the rate is its throughput. In such a closed loop
the mean latency is connections / throughput (Little's law), so a p99 figure means something
only beside its connection count, which the JSON records.

The machine may be shared: the CPU used by the server, by wrk and by everything else is
measured during each run (``/proc``). Before each run the benchmark waits for other processes
to go quiet (``--quiet-wait``), and measures a run again when they used a quarter of a core or
more meanwhile (``--retries``); the least disturbed attempt counts, errors of any attempt count.

Experiments: ``--workers N`` runs N uvicorn worker processes of the app factory instead of
``respite serve`` (which has no such option). Note that uvicorn's multi-process mode with the
asyncio loop leaves TCP_NODELAY off on accepted sockets (Kludex/uvicorn#3149), so keep-alive
responses wait ~40 ms for delayed ACKs there; with uvloop it is fine. ``--server-command``
starts any other command. ``--access-log`` passes ``--access-log`` to ``respite serve``, which
logs nothing at that command's log level ("warning"), so costs nothing either.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import io
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "load.lua"
HOST = "127.0.0.1"  # loopback only: this benchmark never targets another machine
ENDPOINTS = {"health": "/v1/health", "status": "/v1/status", "cap": "/v1/cap"}
#: The issue's targets, on a 2-core machine.
TARGET_VS_HEALTH = 0.60
TARGET_P99_MS = 25.0
#: The same box and period as load.lua, for the answers checked before the load.
LON_RANGE, LAT_RANGE = (34.22, 34.57), (31.22, 31.60)
T_RANGE = (datetime(2023, 11, 1, tzinfo=UTC), datetime(2024, 10, 1, tzinfo=UTC))
CLK_TCK = os.sysconf("SC_CLK_TCK")
#: Cores other processes may use during a run before its figures count as disturbed.
DISTURBED_CORES = 0.25


class Failed(Exception):
    """The benchmark could not run (no wrk, the server did not start, wrong answers)."""


# -- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    connections: int
    threads: int
    timeout: int
    seed: int
    workers: int
    access_log: bool
    endpoints: tuple[str, ...]
    checks: int
    covered_share: float
    pool: int
    quiet_wait: int
    retries: int
    server_command: str | None
    strict: bool
    json_only: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="benchmarks/load",
        description="Requests per second and p99 latency of /v1/status and /v1/cap against "
        "/v1/health, with wrk on loopback.",
    )
    parser.add_argument("--quick", action="store_true", help="5 s per endpoint, 1 s warm-up")
    parser.add_argument("--duration", type=int, help="seconds of load per endpoint (30)")
    parser.add_argument("--warmup", type=int, help="seconds of unrecorded load per endpoint (3)")
    parser.add_argument("--connections", "-c", type=int, default=32, help="wrk -c (32)")
    parser.add_argument("--threads", "-t", type=int, default=1, help="wrk -t (1)")
    parser.add_argument("--timeout", type=int, default=2, help="wrk --timeout in seconds (2)")
    parser.add_argument("--seed", type=int, default=20240901, help="random questions' seed")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="1: `respite serve` (default); N > 1: N uvicorn worker processes of the app factory "
        "(experiment; with the asyncio loop uvicorn then leaves Nagle on, see the module doc)",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="pass --access-log to `respite serve` (which, at its log level 'warning', logs "
        "nothing; to measure a real access log use --server-command with --log-level info)",
    )
    parser.add_argument(
        "--endpoints",
        default="health,status,cap",
        help="comma-separated subset of health,status,cap (health is the reference)",
    )
    parser.add_argument(
        "--checks", type=int, default=300, help="status answers checked before the load (300)"
    )
    parser.add_argument(
        "--covered-share",
        type=float,
        default=0.2,
        help="share of status questions drawn inside a published window and zone (0.2); the "
        "rest are uniform over the box and the period, where almost nothing is covered",
    )
    parser.add_argument("--pool", type=int, default=20_000, help="distinct status questions")
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=120,
        help="before each run, wait up to this many seconds for other processes to leave the "
        "CPUs idle (120; 0: do not wait)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure a run again, up to this many times, when other processes used "
        f"{DISTURBED_CORES} cores or more meanwhile (2); the least disturbed one counts",
    )
    parser.add_argument(
        "--server-command",
        help="experiments: start this instead (after `respite db init`), e.g. "
        "'{python} -m uvicorn --factory respite.api.app:create_app --port {port} --loop uvloop'; "
        "{python}, {host}, {port} and {database} are filled in, and RESPITE_DATABASE_URL and "
        "RESPITE_BASE_URL are set",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 2 if a target is missed"
    )
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)
    duration = args.duration or (5 if args.quick else 30)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 3)
    endpoints = tuple(e.strip() for e in args.endpoints.split(",") if e.strip())
    if unknown := [e for e in endpoints if e not in ENDPOINTS]:
        parser.error(f"unknown endpoint(s) {', '.join(unknown)}; choose from health,status,cap")
    if min(duration, args.connections, args.threads, args.timeout, args.workers) <= 0:
        parser.error("--duration, --connections, --threads, --timeout, --workers must be > 0")
    if args.threads > args.connections:
        parser.error("--threads must not exceed --connections")
    if warmup < 0 or args.checks < 0 or args.pool <= 0:
        parser.error("--warmup and --checks must not be negative, --pool must be positive")
    if not 0 <= args.covered_share <= 1:
        parser.error("--covered-share must be between 0 and 1")
    return Options(
        duration=duration,
        warmup=warmup,
        connections=args.connections,
        threads=args.threads,
        timeout=args.timeout,
        seed=args.seed,
        workers=args.workers,
        access_log=args.access_log,
        endpoints=endpoints,
        checks=args.checks,
        covered_share=args.covered_share,
        pool=args.pool,
        quiet_wait=max(0, args.quiet_wait),
        retries=max(0, args.retries),
        server_command=args.server_command,
        strict=args.strict,
        json_only=args.json_only,
    )


# -- wrk -------------------------------------------------------------------------------------


def ensure_wrk(err: Console) -> str:
    """The path of wrk; installed with apt-get when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise Failed("wrk is not installed; install it (e.g. `apt-get install -y wrk`) as root")
    for command in ([apt, "update"], [apt, "install", "-y", "wrk"]):
        err.print(f"wrk not found; running: {' '.join(command)}", markup=False)
        subprocess.run(
            command,
            check=True,
            stdout=sys.stderr,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    found = shutil.which("wrk")
    if found is None:
        raise Failed("apt-get installed wrk, but it is not on PATH")
    return found


@dataclass(frozen=True)
class Run:
    """One wrk run against one endpoint, with the CPU each side used meanwhile."""

    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    server_cpu: float  # cores used by the server process(es), on average
    wrk_cpu: float  # cores used by wrk, on average
    other_cpu: float  # cores used by everything else on the machine meanwhile
    bytes: int
    attempts: int = 1
    #: errors in the attempts measured again because other processes disturbed them
    discarded_errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors + self.discarded_errors


_DURATION = re.compile(r"^\s*([\d.]+)(us|ms|s|m)$")


def _ms(text: str) -> float:
    """wrk's "1.23ms" / "850.00us" / "1.01s" as milliseconds."""
    match = _DURATION.match(text)
    if match is None:
        raise Failed(f"unexpected wrk duration {text!r}")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def parse_wrk(endpoint: str, stdout: str, cpu: tuple[float, float, float]) -> Run:
    """wrk's report: the exact figures of load.lua's ``wrk-json:`` line, else the text."""
    for line in stdout.splitlines():
        if line.startswith("wrk-json: "):
            data = json.loads(line.removeprefix("wrk-json: "))
            errors, latency = data["errors"], data["latency_us"]
            return Run(
                endpoint=endpoint,
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=latency["p50"] / 1e3,
                p90_ms=latency["p90"] / 1e3,
                p99_ms=latency["p99"] / 1e3,
                max_ms=latency["max"] / 1e3,
                non_2xx=errors["status"],
                socket_errors=sum(errors[k] for k in ("connect", "read", "write", "timeout")),
                server_cpu=cpu[0],
                wrk_cpu=cpu[1],
                other_cpu=cpu[2],
                bytes=data["bytes"],
            )
    # Fallback: the human report of ``wrk --latency``.
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read", stdout)
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", stdout, re.MULTILINE))
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", stdout)
    if total is None or len(percentiles) < 3 or maximum is None:
        raise Failed(f"cannot read wrk's report:\n{stdout}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout
    )
    return Run(
        endpoint=endpoint,
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1e3,
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        max_ms=_ms(maximum.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        server_cpu=cpu[0],
        wrk_cpu=cpu[1],
        other_cpu=cpu[2],
        bytes=0,
    )


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat; idle and iowait excluded)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def wait_for_quiet(err: Console, limit: int) -> float:
    """Wait (up to ``limit`` s) until the machine's other processes use under
    DISTURBED_CORES, the server being idle meanwhile; the cores they used in the last second."""
    deadline = time.monotonic() + limit
    told = False
    while True:
        before, start = machine_busy_seconds(), time.perf_counter()
        time.sleep(1.0)
        busy = (machine_busy_seconds() - before) / (time.perf_counter() - start)
        if busy < DISTURBED_CORES or time.monotonic() >= deadline:
            if told or busy >= DISTURBED_CORES:
                state = "idle enough" if busy < DISTURBED_CORES else "still busy; going on"
                err.print(f"  other processes use {busy:.2f} cores: {state}", highlight=False)
            return busy
        if not told:
            err.print(
                f"  other processes use {busy:.2f} cores; waiting up to {limit} s for quiet",
                highlight=False,
            )
            told = True


def run_wrk(
    wrk: str, options: Options, url: str, seconds: int, server: Server, paths: Path | None
) -> tuple[str, tuple[float, float, float]]:
    """wrk's stdout, and the cores the server, wrk and the rest used on average meanwhile."""
    command = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        f"--timeout={options.timeout}s",
        "--latency",
        "-s",
        str(LUA),
        url,
    ]
    env = {**os.environ, "RESPITE_LOAD_SEED": str(options.seed)}
    env["RESPITE_LOAD_PATHS"] = str(paths) if paths else ""
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before, busy_before = server.cpu_seconds(), machine_busy_seconds()
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    wall = time.perf_counter() - start
    server_cpu = (server.cpu_seconds() - server_before) / wall
    busy = (machine_busy_seconds() - busy_before) / wall
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (
        children_after.ru_utime
        + children_after.ru_stime
        - children_before.ru_utime
        - children_before.ru_stime
    ) / wall
    if done.returncode != 0:
        raise Failed(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return done.stdout, (server_cpu, wrk_cpu, max(0.0, busy - server_cpu - wrk_cpu))


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    database: str
    first_start: str = ""
    pids: list[int] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and its worker processes so far (Linux /proc)."""
        total = 0.0
        for pid in self.pids or [self.process.pid]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


@contextlib.contextmanager
def running_server(options: Options, err: Console) -> Iterator[Server]:
    """A fresh server on a free loopback port, stopped (and its database removed) on exit."""
    respite = ROOT / ".venv" / "bin" / "respite"
    python = ROOT / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="respite-load-") as tmp:
        database = f"sqlite:///{tmp}/respite.db"
        port = free_port()
        log = Path(tmp) / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESPITE_")}
        if options.workers == 1 and options.server_command is None:
            command = [str(respite), "serve", "--host", HOST, "--port", str(port)]
            command += ["--database", database]
            command += ["--access-log"] if options.access_log else []
        else:
            # `respite serve` has no --workers: load the scenario first, then let uvicorn
            # start N processes of the app factory (which reads RESPITE_DATABASE_URL).
            init = [str(respite), "db", "init", "--database", database]
            subprocess.run(init, check=True, capture_output=True, env=env)
            env |= {
                "RESPITE_DATABASE_URL": database,
                "RESPITE_BASE_URL": f"http://{HOST}:{port}",
            }
            if options.server_command is not None:
                template = options.server_command
                fill = {"python": python, "host": HOST, "port": port, "database": database}
                command = shlex.split(template.format(**fill))
            else:
                command = [str(python), "-m", "uvicorn", "--factory"]
                command += ["respite.api.app:create_app", "--host", HOST, "--port", str(port)]
                command += ["--workers", str(options.workers), "--log-level", "warning"]
                command += [] if options.access_log else ["--no-access-log"]
        err.print(f"starting: {' '.join(command)}", markup=False, highlight=False)
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        server = Server(process, port, log, database)
        try:
            wait_healthy(server, expected=options.workers)
            server.first_start = log.read_text(errors="replace")
            yield server
        finally:
            stop(server)
            tail = log.read_text(errors="replace")[len(server.first_start) :].strip()
            if tail and not options.access_log:
                err.print(f"server log during the run:\n{tail[-2000:]}", markup=False)


def wait_healthy(server: Server, *, expected: int, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise Failed(
                f"the server exited ({server.process.returncode}):\n{server.log.read_text()}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _, _ = get(server, ENDPOINTS["health"])
            if status == 200:
                workers = _children(server.process.pid) if expected > 1 else []
                if len(workers) >= expected or expected == 1:
                    server.pids = [server.process.pid, *workers]
                    return
        time.sleep(0.2)
    raise Failed(f"the server did not answer /v1/health within {limit:.0f} s")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def get(server: Server, path: str, connection: http.client.HTTPConnection | None = None) -> Any:
    """(status, content type, body) of one GET, on a given keep-alive connection or a new one."""
    own = connection is None
    conn = connection or http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        if own:
            conn.close()


# -- answers checked before the load ---------------------------------------------------------


@dataclass(frozen=True)
class Question:
    path: str
    #: True for a question inside a published window and zone; None when not known
    covered: bool | None


def _at(rng: random.Random, instant: datetime) -> str:
    """``&at=`` for an instant, as Z or as a +02:00/+03:00 local time ('+' as %2B)."""
    offset = rng.choice([0, 2, 3])
    text = instant.astimezone(timezone(timedelta(hours=offset))).isoformat()
    return "&at=" + quote(text.replace("+00:00", "Z"), safe=":")


def uniform_question(rng: random.Random) -> Question:
    """The distribution of load.lua: a point in the box at a moment in the period, 10 % now."""
    lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
    path = f"{ENDPOINTS['status']}?lat={lat:.5f}&lon={lon:.5f}"
    if rng.random() < 0.1:
        return Question(path, None)
    span = int((T_RANGE[1] - T_RANGE[0]).total_seconds())
    return Question(path + _at(rng, T_RANGE[0] + timedelta(seconds=rng.randrange(span))), None)


@dataclass(frozen=True)
class Window:
    zone: Any  # a prepared shapely geometry
    bounds: tuple[float, float, float, float]
    start: datetime
    end: datetime


def published_windows(server: Server) -> list[Window]:
    """Every window of the period with its zone, from the server's own GeoJSON and HXL feeds."""
    import shapely  # noqa: PLC0415 - only needed here
    from shapely.geometry import shape  # noqa: PLC0415

    status, _, body = get(server, "/v1/feeds/pauses.geojson")
    if status != 200:
        raise Failed(f"GET /v1/feeds/pauses.geojson: {status}")
    zones = {}
    for feature in json.loads(body)["features"]:
        geometry = shape(feature["geometry"])
        shapely.prepare(geometry)
        key = (feature["properties"]["pause_id"], feature["properties"]["part_id"])
        zones[key] = geometry
    lo, hi = (t.strftime("%Y-%m-%dT%H:%MZ") for t in T_RANGE)
    status, _, body = get(server, f"/v1/feeds/occurrences.hxl.csv?from={lo}&to={hi}")
    if status != 200:
        raise Failed(f"GET /v1/feeds/occurrences.hxl.csv: {status}")
    windows = []
    for row in csv.DictReader(io.StringIO(body.decode())):
        if row["Pause ID"].startswith("#"):
            continue  # the HXL hashtag row
        zone = zones[(row["Pause ID"], row["Part ID"])]
        start, end = (
            datetime.fromisoformat(row[k].replace("Z", "+00:00"))
            for k in ("Start (UTC)", "End (UTC)")
        )
        windows.append(Window(zone, zone.bounds, start, end))
    if not windows:
        raise Failed("the server published no window in the period")
    return windows


def covered_question(rng: random.Random, windows: Sequence[Window]) -> Question:
    """A point inside a random window's zone at a moment inside the window (a minute in)."""
    from shapely import Point  # noqa: PLC0415 - only needed here

    window = rng.choice(windows)
    x0, y0, x1, y1 = window.bounds
    for _ in range(10_000):
        lon, lat = round(rng.uniform(x0, x1), 5), round(rng.uniform(y0, y1), 5)
        if window.zone.contains(Point(lon, lat)):
            break
    else:
        raise Failed("could not draw a point inside a published zone")
    seconds = int((window.end - window.start).total_seconds())
    instant = window.start + timedelta(seconds=rng.randrange(60, max(61, seconds - 60)))
    path = f"{ENDPOINTS['status']}?lat={lat:.5f}&lon={lon:.5f}" + _at(rng, instant)
    return Question(path, True)


def make_questions(server: Server, options: Options) -> list[Question]:
    rng = random.Random(options.seed)
    windows = published_windows(server) if options.covered_share > 0 else []
    return [
        covered_question(rng, windows)
        if rng.random() < options.covered_share
        else uniform_question(rng)
        for _ in range(options.pool)
    ]


def check_answers(
    server: Server, options: Options, questions: Sequence[Question]
) -> dict[str, Any]:
    """The first questions' answers: 200 JSON with a verdict, covered where it must be; and
    the CAP feed is Atom. A fast wrong answer is worth nothing."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    covered = 0
    sample = questions[: options.checks]
    try:
        for question in sample:
            status, kind, body = get(server, question.path, conn)
            if status != 200 or not kind.startswith("application/json"):
                raise Failed(f"GET {question.path}: {status} {kind} {body[:300]!r}")
            answer = json.loads(body)
            if not isinstance(answer.get("covered"), bool):
                raise Failed(f"GET {question.path}: no verdict in {answer}")
            if question.covered is not None and answer["covered"] != question.covered:
                raise Failed(f"GET {question.path}: expected covered, got {answer}")
            covered += answer["covered"]
        status, kind, body = get(server, ENDPOINTS["cap"], conn)
        if status != 200 or not kind.startswith("application/atom+xml"):
            raise Failed(f"GET /v1/cap: {status} {kind} {body[:300]!r}")
    finally:
        conn.close()
    return {
        "checked": len(sample),
        "covered": covered,
        "cap_entries": body.count(b"<entry>"),
        "cap_bytes": len(body),
    }


# -- the report ------------------------------------------------------------------------------


def summary(
    options: Options, runs: dict[str, Run], checks: dict[str, Any], load_start: float
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    health = runs.get("health")
    for name, run in runs.items():
        figures[f"{name}_rps"] = round(run.rps, 1)
        figures[f"{name}_p50_ms"] = round(run.p50_ms, 2)
        figures[f"{name}_p99_ms"] = round(run.p99_ms, 2)
        figures[f"{name}_max_ms"] = round(run.max_ms, 2)
        figures[f"{name}_errors"] = run.errors
        figures[f"{name}_requests"] = run.requests
        figures[f"{name}_server_cpu"] = round(run.server_cpu, 2)
        figures[f"{name}_wrk_cpu"] = round(run.wrk_cpu, 2)
        figures[f"{name}_other_cpu"] = round(run.other_cpu, 2)
        figures[f"{name}_attempts"] = run.attempts
        if health is not None and name != "health":
            figures[f"{name}_vs_health"] = round(run.rps / health.rps, 3) if health.rps else None
    status = runs.get("status")
    if status is not None:
        vs = status.rps / health.rps if health is not None and health.rps else None
        figures["targets_met"] = {
            "status_vs_health_60pct": vs is not None and vs >= TARGET_VS_HEALTH,
            "status_p99_under_25ms": status.p99_ms < TARGET_P99_MS,
            "status_zero_errors": status.errors == 0,
        }
    figures |= {
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "connections": options.connections,
        "threads": options.threads,
        "workers": options.workers,
        "access_log": options.access_log,
        "disturbed": any(run.other_cpu >= DISTURBED_CORES for run in runs.values()),
        "status_questions": options.pool,
        "status_covered_share": options.covered_share,
        "status_checked": checks.get("checked"),
        "status_checked_covered": checks.get("covered"),
        "cap_entries": checks.get("cap_entries"),
        "cap_bytes": checks.get("cap_bytes"),
        "cores": os.cpu_count(),
        "load_average_1m_before": round(load_start, 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    return figures


def print_report(console: Console, options: Options, runs: dict[str, Run]) -> None:
    health = runs.get("health")
    table = Table(
        title=f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s on "
        f"loopback; {options.workers} server process(es), {os.cpu_count()} cores"
    )
    for column in ("endpoint", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "% of health"):
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    table.add_column("cores: server/wrk/other", justify="right")
    for name, run in runs.items():
        share = f"{run.rps / health.rps:.0%}" if health is not None and health.rps else "-"
        errors = f"{run.errors:,}" if run.errors == 0 else f"[red]{run.errors:,}[/]"
        table.add_row(
            ENDPOINTS[name],
            f"{run.rps:,.0f}",
            f"{run.p50_ms:.2f}",
            f"{run.p99_ms:.2f}",
            f"{run.max_ms:.1f}",
            errors,
            share,
            f"{run.server_cpu:.2f} / {run.wrk_cpu:.2f} / {run.other_cpu:.2f}",
        )
    console.print(table)
    for run in runs.values():
        if run.other_cpu >= DISTURBED_CORES:
            console.print(
                f"[yellow]warning:[/] other processes used {run.other_cpu:.2f} cores during "
                f"{ENDPOINTS[run.endpoint]}; its figures understate the server"
            )
    status = runs.get("status")
    if status is None or health is None:
        return
    vs = status.rps / health.rps if health.rps else 0.0
    console.print(
        f"targets: /v1/status ≥ {TARGET_VS_HEALTH:.0%} of /v1/health {_verdict(vs >= 0.6)} "
        f"({vs:.0%}), p99 < {TARGET_P99_MS:g} ms {_verdict(status.p99_ms < TARGET_P99_MS)} "
        f"({status.p99_ms:.1f} ms), zero errors {_verdict(status.errors == 0)} "
        f"({status.errors})"
    )


def _verdict(met: bool) -> str:
    return "[green]met[/]" if met else "[red]NOT met[/]"


def measure(options: Options, err: Console) -> tuple[dict[str, Run], dict[str, Any], float]:
    wrk = ensure_wrk(err)
    load_start = os.getloadavg()[0]
    runs: dict[str, Run] = {}
    with running_server(options, err) as server:
        err.print(f"server up at {server.base} (pids {server.pids})", highlight=False)
        questions = make_questions(server, options)
        paths = server.log.parent / "status-paths.txt"
        paths.write_text("".join(q.path + "\n" for q in questions))
        checks = check_answers(server, options, questions)
        err.print(
            f"{len(questions):,} status questions, {options.covered_share:.0%} inside published "
            f"windows; checked {checks['checked']} answers ({checks['covered']} covered); "
            f"/v1/cap: {checks['cap_entries']} entries, {checks['cap_bytes']:,} bytes",
            highlight=False,
        )
        for name in options.endpoints:
            url = server.base + ENDPOINTS[name]
            if options.quiet_wait:
                wait_for_quiet(err, options.quiet_wait)
            if options.warmup:
                err.print(f"warming up {ENDPOINTS[name]} for {options.warmup} s", highlight=False)
                run_wrk(wrk, options, url, options.warmup, server, paths)
            attempts: list[Run] = []
            while True:
                err.print(f"loading {ENDPOINTS[name]} for {options.duration} s", highlight=False)
                stdout, cpu = run_wrk(wrk, options, url, options.duration, server, paths)
                run = parse_wrk(name, stdout, cpu)
                attempts.append(run)
                err.print(
                    f"  {run.rps:,.0f} req/s, p99 {run.p99_ms:.2f} ms, {run.errors} errors; "
                    f"cores: server {run.server_cpu:.2f}, wrk {run.wrk_cpu:.2f}, "
                    f"other {run.other_cpu:.2f}",
                    highlight=False,
                )
                if run.other_cpu < DISTURBED_CORES or len(attempts) > options.retries:
                    break
                err.print("  disturbed by other processes: measuring again", highlight=False)
                if options.quiet_wait:
                    wait_for_quiet(err, options.quiet_wait)
            # The least disturbed attempt counts; errors count whichever attempt had them.
            kept = min(attempts, key=lambda r: r.other_cpu)
            discarded = sum(r.errors for r in attempts if r is not kept)
            runs[name] = replace(kept, attempts=len(attempts), discarded_errors=discarded)
    return runs, checks, load_start


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    width = None if sys.stdout.isatty() else 120
    out = Console(quiet=options.json_only, width=width)
    err = Console(stderr=True, quiet=options.json_only, width=width)
    try:
        runs, checks, load_start = measure(options, err)
    except (Failed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        err.quiet = False
        err.print(f"[bold red]FAILED:[/] {error}", highlight=False)
        return 1
    figures = summary(options, runs, checks, load_start)
    print_report(out, options, runs)
    # Plain print, not rich: the JSON must stay on one unwrapped, unstyled line.
    print(json.dumps(figures), flush=True)
    if options.strict and not all(figures.get("targets_met", {}).values()):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
