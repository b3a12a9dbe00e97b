"""The page's answer (coverage.js, run by Node.js) equals /v1/status on the real episodes.

The browser test (test_agreement.py) covers the bundled scenario through Chromium; this one
adds the episodes whose answers carry a pause's life: the version in force at the instant,
broken reports, movement, windows expected but not yet announced. Node.js is needed to build
the map anyway; without it the test is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from respite.engine import CoverageEngine
from respite.engine.present import status_to_json
from respite.pauses import Pause, load_pause_file
from respite.schedule import from_utc_seconds, utc_seconds
from respite.web.published import feature_of

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"


def _episodes() -> list[Pause]:
    pauses: list[Pause] = []
    for path in [*sorted((DATA / "episodes").glob("*.yaml")), DATA / "lapse.yaml"]:
        pauses.extend(load_pause_file(path))
    return pauses


def _questions(pauses: list[Pause], lo: int, hi: int) -> list[tuple[float, float, int]]:
    """Inside each part, at each window's start, just after its end and before it, and on
    promised days; so every kind of answer is asked for."""
    questions = []
    for pause in pauses:
        for part in pause.latest.parts:
            point = part.zone.representative_point()
            spans = list(part.coverage(lo, hi))[:20]
            times = [t for s, e in spans for t in (s + 60, e + 3600, s - 7200)]
            times += [t for s, e in list(part.promised(lo, hi))[:5] for t in (s + 100, e - 100)]
            questions += [(point.x, point.y, t) for t in times if lo <= t < hi]
    return questions


def test_the_page_answers_the_episodes_as_the_service_does(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node is required under CI=true")
        pytest.skip("node is absent")
    pauses = _episodes()
    engine = CoverageEngine(pauses)
    lo, hi = (utc_seconds(t) for t in engine.horizon)
    features = [feature_of(p, part, lo, hi) for p in pauses for part in p.latest.parts]
    questions = _questions(pauses, lo, hi)
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"features": features, "horizon": [lo, hi], "questions": questions}))
    done = subprocess.run(
        [node, str(HERE / "statuses_in_node.mjs"), str(path)],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    )
    theirs: list[dict[str, Any]] = json.loads(done.stdout)
    ours = [status_to_json(engine.status(x, y, from_utc_seconds(t))) for x, y, t in questions]
    mismatches = [(q, a, b) for q, a, b in zip(questions, theirs, ours, strict=True) if a != b]
    assert not mismatches, mismatches[:2]
    assert sum(bool(a["expected"]) for a in ours) > 10
    assert sum(any(m["broken"] for m in a["pauses"]) for a in ours) >= 2
    assert sum(any(m["version"] > 1 for m in a["pauses"]) for a in ours) > 5
