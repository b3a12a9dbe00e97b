"""The extraction corpus stays well-formed: sources cited, labels of the documented shape, ids
that the gazetteer knows, and the dev/test split fixed by the id alone."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.extraction.corpus import load, split_of  # noqa: E402

from respite.drafting import Gazetteer  # noqa: E402

WINDOW_KEYS = {"start_local", "end_local", "first_date", "last_date", "recurrence",
               "until_further_notice", "timezone"}  # fmt: skip


def test_every_text_cites_its_source_and_has_labels_of_the_documented_shape() -> None:
    texts = load()
    assert len(texts) >= 40
    assert {t.language for t in texts} == {"en", "ar"}
    assert sum(not t.labels["is_announcement"] for t in texts) >= 10
    known = {e.id for e in Gazetteer.bundled().entries if e.id}
    for text in texts:
        assert text.source["title"] and text.source["url"].startswith("http"), text.id
        assert len(text.text) < 1200, text.id  # short quotes only
        if not text.labels["is_announcement"]:
            assert text.labels["kind"] in {"call_for_pause", "denial", "no_pause"}, text.id
            continue
        for window in text.labels["windows"]:
            assert set(window) == WINDOW_KEYS, text.id
        for place in text.labels["places"]:
            assert place["id"] is None or place["id"] in known, (text.id, place)


def test_the_split_depends_on_the_id_only() -> None:
    assert split_of("qatar-truce-islamtimes-2023-11-23") == split_of(
        "qatar-truce-islamtimes-2023-11-23"
    )
    halves = {split_of(t.id) for t in load()}
    assert halves == {"dev", "test"}
