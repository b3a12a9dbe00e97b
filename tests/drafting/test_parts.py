"""The pieces: clock times, dates, phrases, the gazetteer; and the library stays pure."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respite.drafting import Gazetteer, SourceText, draft_document, extract
from respite.drafting.clock import find_ranges
from respite.drafting.dates import find_dates
from respite.drafting.normalise import fold
from respite.drafting.phrases import find_durations, find_extension, find_notice
from respite.pauses.fileformat import resolve_document


def _ranges(text: str) -> list[tuple[time | None, time | None]]:
    folded = fold(text).text
    return [
        (r.start.value if r.start else None, r.end.value if r.end else None)
        for r in find_ranges(folded)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 10 a.m. to 2 p.m. local time", [(time(10), time(14))]),
        ("between 6 a.m. and 3 p.m. (0300-1200 GMT)", [(time(6), time(15))]),
        ("from 08:00 until 19:00 every day", [(time(8), time(19))]),
        ("from 10 in the morning to one in the afternoon", [(time(10), time(13))]),
        ("begins at 7 a.m. local time (midnight ET)", [(time(7), None)]),
        ("would be extended until Thursday 07:00 am", [(None, time(7))]),
        ("من الساعة 8:00 إلى الساعة 19:00", [(time(8), time(19))]),
        ("من الساعة العاشرة صباحًا حتى الثامنة مساءً", [(time(10), time(20))]),
        ("تبدأ الساعة الثالثة من عصر اليوم وتنتهي في السابعة مساء", [(time(15), time(19))]),
        ("من الساعة الـ 10 صباحاً وحتى الــ 4 مساء", [(time(10), time(16))]),
        ("من الساعة الـ9:00 إلى الساعة الـ19:00", [(time(9), time(19))]),
    ],
)
def test_clock_ranges(text: str, expected: list[tuple[time | None, time | None]]) -> None:
    assert _ranges(text) == expected


def test_bare_gmt_times_are_marked_utc() -> None:
    (time_range,) = find_ranges(fold("بين الساعة 7,00 والساعة 14,00 ت غ").text)
    assert time_range.start is not None and time_range.start.utc
    assert (time_range.start.value, time_range.last.value) == (time(7), time(14))


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("starting tomorrow", date(2016, 8, 10), [date(2016, 8, 11)]),
        ("on Thursday", date(2016, 10, 18), [date(2016, 10, 20)]),
        ("on May 5, 6 and 7", date(2022, 5, 4), [date(2022, 5, 5)]),
        ("في 4 تشرين الثاني/ نوفمبر", date(2016, 11, 2), [date(2016, 11, 4)]),
        ("منذ 27 فبراير الماضي", date(2018, 3, 26), [date(2018, 2, 27)]),
        ("on 3 January", date(2023, 12, 30), [date(2024, 1, 3)]),  # nearest year to the anchor
        ("يوم غد", date(2023, 11, 23), [date(2023, 11, 24)]),
        ("وأمس الاثنين", date(2018, 2, 27), [date(2018, 2, 26)]),
    ],
)
def test_dates_are_anchored_at_the_texts_date(
    text: str, anchor: date, expected: list[date]
) -> None:
    assert [d.value for d in find_dates(fold(text).text, anchor)] == expected


def test_the_day_something_was_said_is_marked() -> None:
    (said,) = find_dates(fold("Kirby said Thursday").text, date(2023, 11, 9))
    assert said.said


def test_phrases() -> None:
    text = fold("daily four-hour pauses, announced three hours in advance, for 72 ساعة").text
    durations = [(d.value, d.unit) for d in find_durations(text)]
    assert durations == [(4, "hours"), (3, "hours"), (72, "hours")]
    notice = find_notice(text)
    assert notice is not None and notice.value == 3
    extension = find_extension(fold("تمديد الهدنة الإنسانية ليومين إضافيين").text)
    assert extension is not None and extension.value == 2


def test_gazetteer_spellings_and_longest_match() -> None:
    gazetteer = Gazetteer.bundled()
    found = gazetteer.find(fold("Salah ad-Din road, Gaza City, the Gaza Strip, Khan Younes"))
    assert [p.id for p in found] == [
        "road:salah-al-din",
        "place:node/504266619",
        "region:gaza-strip",
        "place:node/299944872",
    ]
    arabic = gazetteer.find(fold("وللمواصي وبشمال قطاع غزة"))
    assert [p.id for p in arabic] == ["place:node/11408821425", "region:gaza-north"]


@given(st.text(alphabet=st.sampled_from("abc إأآةىـًٌ١٢ \u200f-’"), max_size=40))
def test_folding_maps_every_character_back(text: str) -> None:
    folded = fold(text)
    assert len(folded.origin) == len(folded.text)
    assert list(folded.origin) == sorted(folded.origin)
    assert all(0 <= i < len(text) for i in folded.origin)
    if folded.text:
        whole = folded.span(0, len(folded.text))
        assert text[whole.start : whole.end] == whole.text


def test_the_library_imports_no_web_or_database_code() -> None:
    code = (
        "import sys, respite.drafting as d; from datetime import date;"
        "d.extract('The pause will run from 10 a.m. to 2 p.m. today in Rafah.', anchor=date(2024,1,1));"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'sqlalchemy', 'starlette', 'uvicorn', 'httpx')];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


_ENGLISH = [
    "the", "pause", "will", "take place", "from", "to", "until", "between", "and", "daily",
    "every day", "until further notice", "10 a.m.", "2 p.m.", "08:00", "19:00", "(0500 GMT)",
    "tomorrow", "on Friday", "May 5, 6 and 7", "for four days", "three hours in advance",
    "in Rafah", "Salah al-Din Road", "northern Gaza", "Aleppo", "Moscow time", "extend",
    "for an additional two days", "said Thursday", "calling for", "there is no ceasefire", ".",
]  # fmt: skip
_ARABIC = [
    "هدنة", "إنسانية", "تبدأ", "من الساعة العاشرة صباحا", "حتى الرابعة", "إلى الساعة 19:00",
    "يوميا", "غدا", "يوم الجمعة", "وحتى إشعار آخر", "لمدة أربعة أيام", "في قطاع غزة",
    "وشمال غزة", "في حلب", "بتوقيت موسكو", "تمديد الهدنة ليومين", "نفى", "يدعو", "،", ".",
]  # fmt: skip


@settings(deadline=None)  # the first example builds the gazetteer
@given(
    st.one_of(
        st.lists(st.sampled_from(_ENGLISH), min_size=3, max_size=40).map(
            lambda words: "The pause will be: " + " ".join(words)
        ),
        st.lists(st.sampled_from(_ARABIC), min_size=3, max_size=40).map(
            lambda words: "أعلنت هدنة إنسانية " + " ".join(words)
        ),
    )
)
def test_any_mix_of_phrases_gives_a_consistent_extraction(text: str) -> None:
    extraction = extract(text, anchor=date(2024, 3, 1))
    for place in extraction.places:
        assert text[place.span.start : place.span.end] == place.span.text
    for window in extraction.windows:
        if window.first_date and window.last_date:
            assert window.last_date >= window.first_date
        assert window.until_further_notice <= (window.recurrence == "daily")
    draft = draft_document(extraction, SourceText("generated"))
    if draft.document is not None:  # whatever is drafted is a valid, resolvable pause file
        resolve_document(draft.document)
