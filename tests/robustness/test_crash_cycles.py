"""Crash cycles in the test run: ``kill -9`` the service during writes, restart, check.

The short version of ``benchmarks/crash`` (10 cycles per backend, 2 writing connections,
kills after 0.2-0.8 s): every acknowledged write must be found after each restart, nothing
half-written, the ledger verified by ``respite audit verify``. The checks themselves must be
able to fail, so a store damaged on purpose (a version row or an audit entry gone, an
acknowledged write that never landed) must be reported.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parents[2]
# benchmarks/ is a package at the repository root, which --import-mode=importlib leaves off
# sys.path (the server processes the harness starts find respite through the venv).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.crash_checks import half_written, lost_writes  # noqa: E402
from benchmarks.crash_stream import Expected  # noqa: E402

from benchmarks import crash, crash_stream  # noqa: E402
from respite.api.bootstrap import ensure_ready  # noqa: E402
from respite.storage import make_engine  # noqa: E402


def _storage() -> ModuleType:
    name = "respite_tests_storage_fixtures"
    if name not in sys.modules:
        path = ROOT / "tests" / "storage" / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _postgres() -> str:
    """The test server's URL (skipped when unreachable, failed under CI=true)."""
    url = _storage()._reachable_server()
    return str(url.render_as_string(hide_password=False))


@pytest.mark.parametrize("backend", crash.BACKENDS)
def test_ten_kills_lose_nothing(backend: str) -> None:
    postgres = _postgres() if backend == "postgresql" else crash.DEFAULT_POSTGRES
    options = crash.Options(
        cycles=10, backends=(backend,), clients=2, min_run=0.2, max_run=0.8, postgres=postgres
    )
    (figures,) = crash.run(options)
    assert figures.problems == []
    assert figures.cycles == 10
    assert (figures.lost, figures.half_written, figures.verify_failures) == (0, 0, 0)
    assert figures.api_failures == 0
    # The kills cut real work: writes were acknowledged and others were in flight.
    assert figures.acknowledged >= 10
    assert figures.in_flight >= 10
    assert figures.ledger_entries >= figures.acknowledged


@pytest.fixture
def streamed(tmp_path: Path) -> Iterator[tuple[Engine, list[Expected]]]:
    """A SQLite store after writes of every kind and a crash, and what was acknowledged."""
    options = crash.Options(cycles=1, backends=("sqlite",), min_run=0.3, max_run=0.5)
    url = f"sqlite:///{tmp_path / 'respite.db'}"
    engine = make_engine(url)
    first = ensure_ready(engine, scenario="gaza-2023-2024")
    assert first is not None
    server = crash.Server(url, tmp_path / "server.log", options.startup_timeout)
    server.start()
    try:
        cast = crash.make_cast(server.base_url, first.admin_token, "t")
        tally = crash.Tally(cast)
        # One write of each kind for certain, then a cycle cut by a kill.
        writer = crash.Writer(server.base_url, tally, crash.threading.Event(), "w", 1)
        with crash.httpx.Client(base_url=server.base_url, timeout=60) as client:
            for n, kind in enumerate(["pause", "amendment", "movement", "movement", "incident"]):
                getattr(writer, f"_{kind}")(client, f"w-{n}")
            writer._acknowledgement(client, "w-ack")
        crash.one_cycle(server, tally, 0, options, crash.random.Random(0))
    finally:
        server.kill()
    assert half_written(engine) == []
    assert lost_writes(engine, tally.acknowledged) == []
    try:
        yield engine, tally.acknowledged
    finally:
        engine.dispose()


def _damage(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_checks_report_damage(streamed: tuple[Engine, list[Expected]]) -> None:
    engine, acknowledged = streamed
    movement = next(e for e in acknowledged if e.kind == "movement")
    assert {e.kind for e in acknowledged} >= set(crash_stream.MIX)
    pause = next(e for e in acknowledged if e.kind == "pause")
    never = Expected("incident", "inc-never", reference="never-sent")
    assert lost_writes(engine, [*acknowledged, never]) == [never]
    # A version row gone (the triggers that refuse it dropped first, as an intruder would).
    _damage(
        engine,
        "DROP TRIGGER IF EXISTS movement_versions_no_delete",
        f"DELETE FROM movement_versions WHERE movement_id = '{movement.subject}'",
    )
    found = half_written(engine)
    assert any(
        f"movement {movement.subject}: current version 1, 0 version rows" in p for p in found
    )
    assert movement in lost_writes(engine, acknowledged)
    # A change stored without its audit entry.
    _damage(
        engine,
        "DROP TRIGGER IF EXISTS audit_entries_no_delete",
        f"DELETE FROM audit_entries WHERE subject = 'pause:{pause.subject}'",
    )
    assert any(
        p.startswith(f"pause:{pause.subject}: ") and p.endswith("but 0 audit entries")
        for p in half_written(engine)
    )
