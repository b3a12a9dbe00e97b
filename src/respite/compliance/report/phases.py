"""The phases a report row counts for: during a window, its margins before and after, baseline
days, and near a site or movement."""

from __future__ import annotations

from typing import Literal

Phase = Literal["during", "before", "after", "baseline", "near"]
#: Row phase codes, in the order of this tuple (``plan.row_phase`` holds the index).
PHASES: tuple[Phase, ...] = ("during", "before", "after", "baseline", "near")
DURING, BEFORE, AFTER, BASELINE, NEAR = range(5)
#: The phases a pause-wide or part-wide count of distinct events is made for.
SCOPED_PHASES = (DURING, BEFORE, AFTER)

__all__ = ["AFTER", "BASELINE", "BEFORE", "DURING", "NEAR", "PHASES", "SCOPED_PHASES", "Phase"]
