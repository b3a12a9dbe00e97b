"""HXL-tagged CSV read back by libhxl, the HXL reference library."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import hxl

from respite.feeds.hxl import (
    OCCURRENCE_COLUMNS,
    PAUSE_COLUMNS,
    occurrences_hxl_csv,
    part_occurrences,
    pauses_hxl_csv,
)

LO = int(datetime(2023, 10, 1, tzinfo=UTC).timestamp())
HI = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())


def read(text: str) -> hxl.model.Dataset:
    # libhxl sniffs the format from bytes; it cannot read a text stream.
    return hxl.data(io.BytesIO(text.encode("utf-8")))


def test_pauses_table(scenario) -> None:
    text = pauses_hxl_csv(scenario)
    data = read(text)
    assert [c.display_tag for c in data.columns] == [tag for _, tag in PAUSE_COLUMNS]
    assert [c.header for c in data.columns] == [header for header, _ in PAUSE_COLUMNS]
    rows = {(r.get("#event+id"), r.get("#loc+id")): r for r in read(text)}
    assert len(rows) == 7  # one per part: 4 single-part pauses and 3 polio zones
    truce = rows[("truce-2023-11-24", "gaza-strip")]
    assert truce.get("#event+type") == "truce"
    assert truce.get("#status") == "ended"
    assert truce.get("#meta+version") == "4"
    assert truce.get("#date+start") == "2023-11-24T05:00:00Z"
    assert truce.get("#date+end") == "2023-12-01T05:00:00Z"
    assert truce.get("#date+announced") == "2023-11-22T04:00:00Z"
    assert truce.get("#adm1+code", parsed=True) == [f"PS02{n}" for n in (55, 60, 65, 70, 75)]
    assert truce.get("#org+announced") == "State of Qatar"
    assert truce.get("#event+name+i_ar").startswith("الهدنة الإنسانية")
    assert "200 trucks per day" in truce.get("#activity")
    assert truce.get("#access") == "No return from the south to the north of Gaza."
    assert truce.get("#targeted") is None  # trucks are not people
    assert 31.2 < float(truce.get("#geo+lat")) < 31.6
    assert 34.2 < float(truce.get("#geo+lon")) < 34.6
    kerem = rows[("kerem-shalom-road-tactical-pause-2024-06", "aid-road")]
    assert kerem.get("#date+end") is None  # until further notice
    central = rows[("polio-round-1-2024-09", "central")]
    assert (central.get("#targeted"), central.get("#reached")) == ("156500", "187000")
    assert rows[("polio-round-1-2024-09", "south")].get("#reached") is None
    assert hxl.validate(read(text))["is_valid"]


def test_occurrences_table(scenario) -> None:
    text = occurrences_hxl_csv(scenario, LO, HI)
    data = read(text)
    assert [c.display_tag for c in data.columns] == [tag for _, tag in OCCURRENCE_COLUMNS]
    rows = list(read(text))
    expected = sum(
        len(part_occurrences(part, LO, HI)) for pause in scenario for part in pause.latest.parts
    )
    assert len(rows) == expected
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.get("#event+id")] = counts.get(row.get("#event+id"), 0) + 1
    assert counts["truce-2023-11-24"] == 1
    assert counts["polio-round-1-2024-09"] == 12
    assert counts["salah-al-din-corridor-2023-11"] == 4
    # 16 June to 31 December 2024, daily.
    assert counts["kerem-shalom-road-tactical-pause-2024-06"] == 199
    truce = next(r for r in rows if r.get("#event+id") == "truce-2023-11-24")
    assert truce.get("#date+start+utc") == "2023-11-24T05:00:00Z"
    assert truce.get("#date+end+utc") == "2023-12-01T05:00:00Z"
    assert truce.get("#date+start+local") == "2023-11-24T07:00:00+02:00"
    assert truce.get("#meta+timezone") == "Asia/Gaza"
    polio = next(r for r in rows if r.get("#loc+id") == "north")
    assert polio.get("#date+start+local") == "2024-09-09T06:00:00+03:00"  # summer time
    starts = [r.get("#date+start+utc") for r in rows]
    assert starts == sorted(starts)
    assert hxl.validate(read(text))["is_valid"]
