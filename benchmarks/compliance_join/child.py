"""One engine's run, in a process of its own: ``python -m benchmarks.compliance_join.child``.

A fresh process per engine so that its peak memory (the parent reads it with ``wait4``) is that
engine's alone, and one engine's caches or threads cannot help or hinder the next. The last
line on stdout is one JSON object: the outcome, or why the engine could not run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.compliance_join import outcome as outcomes
from benchmarks.compliance_join.outcome import Outcome

Runner = Callable[[Path, int, int, bool], Outcome]


#: engine -> (module, function); imported only in the process that runs that engine.
RUNNERS = {
    "respite": ("benchmarks.compliance_join.respite_join", "run_respite"),
    "shapely": ("benchmarks.compliance_join.inprocess", "run_shapely"),
    "geopandas": ("benchmarks.compliance_join.inprocess", "run_geopandas"),
    "duckdb": ("benchmarks.compliance_join.duck", "run_duckdb"),
    "postgis": ("benchmarks.compliance_join.postgis", "run_postgis"),
}


def runner(engine: str) -> Runner:
    module, function = RUNNERS[engine]
    run: Runner = getattr(importlib.import_module(module), function)
    return run


def unavailable_reason(error: BaseException) -> str | None:
    """Why the engine cannot run here, if that is what ``error`` says (else None: a failure)."""
    if isinstance(error, ImportError):
        return f"cannot import {error.name or 'a module'}: {error}"
    if type(error).__name__ == "Unavailable":
        return str(error)
    return None


ENGINES = tuple(RUNNERS)


def run(engine: str, directory: Path, repeat: int, chunk: int) -> dict[str, Any]:
    try:
        outcome = runner(engine)(directory, repeat, chunk, False)
    except Exception as error:
        reason = unavailable_reason(error)
        if reason is None:
            traceback.print_exc()
            return {
                "engine": engine,
                "status": "failed",
                "reason": f"{type(error).__name__}: {error}",
            }
        return {"engine": engine, "status": "unavailable", "reason": reason}
    return {
        "engine": engine,
        "status": "ok",
        "load_s": round(outcome.load_s, 3),
        "join_s": round(outcome.join_s, 3),
        "summary": outcome.summary.as_json(),
        "details": outcome.details,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compliance_join.child")
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=500_000)
    args = parser.parse_args(argv)
    outcomes.announce_phases = True
    result = run(args.engine, args.directory, args.repeat, args.chunk)
    print(json.dumps(result), flush=True)
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
