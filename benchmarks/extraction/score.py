"""Per-field counts: what the extractor got against the hand labels of one text.

Fields are scored on texts labelled as announcements (a call or denial has no fields);
``is_announcement`` and ``kind`` on every text. Items are compared as multisets: a window's
times are (start_local, end_local), its dates (first_date, last_date), its recurrence
(recurrence, until_further_notice); places match when their gazetteer ids agree or, for places
without one, when one name contains the other after folding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from respite.drafting.model import Extraction
from respite.drafting.normalise import fold_name

FIELDS = (
    "places",
    "place_ids",
    "window_times",
    "dates",
    "recurrence",
    "timezone",
    "notice",
    "objectives",
    "parties",
)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Errors:
    by_field: dict[str, list[tuple[object, object]]] = field(default_factory=dict)


def _hhmm(value: object) -> str | None:
    return None if value is None else str(value)[:5]


def _iso(value: object) -> str | None:
    return None if value is None else str(value)


def _items(gold: list[Any], got: list[Any]) -> tuple[int, int, int, list[object], list[object]]:
    g, p = Counter(gold), Counter(got)
    both = g & p
    tp = sum(both.values())
    return (
        tp,
        sum(p.values()) - tp,
        sum(g.values()) - tp,
        sorted(map(str, g - both)),
        sorted(map(str, p - both)),
    )


def field_items(labels: dict[str, Any], got: Extraction) -> dict[str, tuple[list[Any], list[Any]]]:
    gold_windows = labels.get("windows") or []
    items: dict[str, tuple[list[Any], list[Any]]] = {}
    items["window_times"] = (
        [
            (w["start_local"], w["end_local"])
            for w in gold_windows
            if w["start_local"] or w["end_local"]
        ],
        [
            (_hhmm(w.start_local), _hhmm(w.end_local))
            for w in got.windows
            if w.start_local or w.end_local
        ],
    )
    items["dates"] = (
        [
            (_iso(w["first_date"]), _iso(w["last_date"]))
            for w in gold_windows
            if w["first_date"] or w["last_date"]
        ],
        [
            (_iso(w.first_date), _iso(w.last_date))
            for w in got.windows
            if w.first_date or w.last_date
        ],
    )
    items["recurrence"] = (
        [(w["recurrence"], bool(w["until_further_notice"])) for w in gold_windows],
        [(w.recurrence, w.until_further_notice) for w in got.windows],
    )
    items["timezone"] = ([w["timezone"] for w in gold_windows], [w.timezone for w in got.windows])
    notice = labels.get("notice_hours")
    items["notice"] = (
        [notice] if notice is not None else [],
        [got.notice_hours.value] if got.notice_hours is not None else [],
    )
    items["objectives"] = (
        sorted(set(labels.get("objectives") or [])),
        sorted({o.kind for o in got.objectives}),
    )
    parties = labels.get("parties") or {}
    items["parties"] = (
        [
            (role, name)
            for role in ("announced_by", "agreed_by", "mediators")
            for name in parties.get(role, [])
        ],
        [(p.role, p.name) for p in got.parties],
    )
    gold_places = labels.get("places") or []
    items["place_ids"] = (
        sorted({p["id"] for p in gold_places if p["id"]}),
        sorted({p.id for p in got.places if p.id}),
    )
    items["places"] = _place_items(gold_places, got)
    return items


def _place_items(gold: list[dict[str, Any]], got: Extraction) -> tuple[list[Any], list[Any]]:
    # Matched pairs are given the same token so that the multiset comparison counts them.
    found = [(p.id, fold_name(p.text)) for p in got.places]
    gold_tokens: list[Any] = []
    got_tokens: list[Any] = [f"got:{i}:{t}" for i, (_, t) in enumerate(found)]
    used: set[int] = set()
    for place in gold:
        name = fold_name(place["text"])
        token: Any = f"gold:{name}"
        for index, (ident, text) in enumerate(found):
            if index in used:
                continue
            same = (place["id"] and ident == place["id"]) or (
                not place["id"] and not ident and (name in text or text in name)
            )
            if same:
                used.add(index)
                token = f"match:{name}"
                got_tokens[index] = token
                break
        gold_tokens.append(token)
    return gold_tokens, got_tokens


def score_text(
    labels: dict[str, Any], got: Extraction, tallies: dict[str, Tally], errors: Errors
) -> None:
    gold_flag = bool(labels["is_announcement"])
    tally = tallies.setdefault("is_announcement", Tally())
    tally.add(
        int(gold_flag and got.is_announcement),
        int(got.is_announcement and not gold_flag),
        int(gold_flag and not got.is_announcement),
    )
    if gold_flag != got.is_announcement:
        errors.by_field.setdefault("is_announcement", []).append((gold_flag, got.is_announcement))
    kind = tallies.setdefault("kind", Tally())
    got_kind = got.kind.value if got.kind else None
    right = got_kind == labels["kind"]
    kind.add(int(right), int(not right), int(not right))
    if not right:
        errors.by_field.setdefault("kind", []).append((labels["kind"], got_kind))
    if not gold_flag:
        return
    for name, (gold, found) in field_items(labels, got).items():
        tp, fp, fn, missed, extra = _items(gold, found)
        tallies.setdefault(name, Tally()).add(tp, fp, fn)
        if missed or extra:
            errors.by_field.setdefault(name, []).append((missed, extra))
