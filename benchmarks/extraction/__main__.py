"""``benchmarks/extraction/run [--split dev|test|both] [--errors] [--json]``.

Runs :func:`respite.drafting.extract` on every labelled text of the split, prints per-field
precision, recall and F1 (and is_announcement accuracy) as a table, then, with ``--errors``,
each remaining error (text id, field, missed, extra). The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

from rich.console import Console
from rich.progress import track
from rich.table import Table

from respite.drafting import extract

from .corpus import load
from .score import FIELDS, Errors, Tally, score_text

TARGETS = {
    "is_announcement": 0.95,
    "places": 0.85,
    "window_times": 0.85,
    "dates": 0.8,
    "recurrence": 0.8,
    "parties": 0.7,
    "objectives": 0.7,
}


def run(split: str, show_errors: bool, console: Console) -> dict[str, object]:
    texts = [t for t in load() if split in ("both", t.split)]
    tallies: dict[str, Tally] = {}
    errors_by_text: dict[str, Errors] = {}
    accuracy = 0
    started = time.perf_counter()
    for item in track(texts, description=f"extracting ({split})", console=console, transient=True):
        got = extract(item.text, anchor=item.date)
        errors = Errors()
        score_text(item.labels, got, tallies, errors)
        accuracy += int(got.is_announcement == item.labels["is_announcement"])
        if errors.by_field:
            errors_by_text[item.id] = errors
    elapsed = time.perf_counter() - started
    announcements = sum(1 for t in texts if t.labels["is_announcement"])
    table = Table(
        title=f"{split}: {len(texts)} texts ({announcements} announcements), "
        f"{sum(t.language == 'ar' for t in texts)} Arabic"
    )
    for column in ("field", "precision", "recall", "F1", "tp", "fp", "fn", "target"):
        table.add_column(column, justify="left" if column == "field" else "right")
    figures: dict[str, object] = {}
    for name in ("is_announcement", "kind", *FIELDS):
        f = tallies.get(name, Tally()).figures()
        figures[name] = f
        target = TARGETS.get(name)
        table.add_row(
            name,
            f"{f['precision']:.3f}",
            f"{f['recall']:.3f}",
            f"{f['f1']:.3f}",
            str(f["tp"]),
            str(f["fp"]),
            str(f["fn"]),
            f"{target:.2f}" if target else "",
        )
    figures["is_announcement_accuracy"] = round(accuracy / len(texts), 3) if texts else None
    figures["kind_accuracy"] = figures["kind"]["precision"]  # type: ignore[index]
    console.print(table)
    console.print(
        f"is_announcement accuracy {figures['is_announcement_accuracy']}, "
        f"kind accuracy {figures['kind_accuracy']}, "
        f"{elapsed * 1000 / max(len(texts), 1):.1f} ms per text"
    )
    if show_errors:
        for text_id, errors in sorted(errors_by_text.items()):
            for name, cases in errors.by_field.items():
                for missed, extra in cases:
                    console.print(
                        f"  {text_id}  {name}: missed {missed}  extra {extra}", markup=False
                    )
    return {
        "split": split,
        "texts": len(texts),
        "figures": figures,
        "ms_per_text": round(elapsed * 1000 / max(len(texts), 1), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks/extraction/run", description=__doc__)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="test")
    parser.add_argument("--errors", action="store_true", help="list every remaining error")
    args = parser.parse_args()
    console = Console(stderr=False)
    result = run(args.split, args.errors, console)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
