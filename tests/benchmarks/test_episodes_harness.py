"""The episodes benchmark's measured process, run in-process once so that it cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import episodes  # noqa: E402


def test_each_episode_question_is_answered_covered_by_both_layouts() -> None:
    levels = episodes.child("levels", episodes.DEFAULT_FILE, repeat=1)
    single = episodes.child("single", episodes.DEFAULT_FILE, repeat=1)
    assert levels["covered"] == single["covered"] == [True] * len(episodes.QUESTIONS)
    assert levels["parts"] == single["parts"] == 21
    assert levels["grid_cells"] < single["grid_cells"]
