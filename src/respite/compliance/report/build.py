"""Did the pause hold? Counts of events inside, possibly inside and outside each window.

Build a :class:`ReportPlan` once per pause, feed events in chunks to its accumulator, merge
accumulators, and finish: :func:`build_report` does all of it for one table. The shape of
``to_json()`` and the counting rules are documented in ``docs/compliance.md``.

Counting rules, in short: a window's counts are per (event, window) pair; a part's and the
pause's are of *distinct* events, each taking its best class over the rows counted together
(inside beats possibly). ``outside`` is the number of events that overlap the time but not the
place. Fatalities are summed over events that report them; events that do not are counted
apart, never as 0. Baseline comparisons add pair counts over windows on both sides, so an
event whose span overlaps two windows counts twice during, as it would on baseline days.
"""

from __future__ import annotations

from collections.abc import Sequence

from respite.compliance.event_table import EventTable
from respite.compliance.report.accumulate import PairsOf
from respite.compliance.report.events import EventEntry
from respite.compliance.report.finish import from_accumulator
from respite.compliance.report.model import (
    Baseline,
    BaselineDay,
    ComplianceReport,
    Counts,
    Margin,
    NearReport,
    PartReport,
    TypeCount,
    WindowReport,
)
from respite.compliance.windows import (
    NearFeature,
    ReportOptions,
    ReportPlan,
)
from respite.pauses.resolve import Pause


def build_report(
    pause: Pause,
    table: EventTable,
    *,
    near: Sequence[NearFeature] = (),
    options: ReportOptions,
    pairs_of: PairsOf | None = None,
) -> ComplianceReport:
    """The report for one table of events (small data; chunk through the plan for big)."""
    plan = ReportPlan.build(pause, near=near, options=options)
    acc = plan.accumulator()
    acc.add(table, pairs_of=pairs_of)
    return acc.finish()


__all__ = [
    "Baseline",
    "BaselineDay",
    "ComplianceReport",
    "Counts",
    "EventEntry",
    "Margin",
    "NearFeature",
    "NearReport",
    "PartReport",
    "ReportOptions",
    "ReportPlan",
    "TypeCount",
    "WindowReport",
    "build_report",
    "from_accumulator",
]
