"""Arabic texts, texts outside Gaza, and the bad inputs that must be refused with a reason."""

from __future__ import annotations

from datetime import date, time

import pytest

from respite.drafting import Gazetteer, GazetteerEntry, SourceText, draft_document, extract
from respite.drafting.normalise import fold
from respite.errors import InvalidInput

KEREM_SHALOM_AR = (
    "قال جيش الاحتلال الإسرائيلي إننا سننفّذ هدنة تكتيكية يوميا جنوب قطاع غزة خلال ساعات محددة من "
    "النهار للسماح بإدخال المساعدات الإنسانية. وتحدث جيش الاحتلال عن أن الهدنة التكتيكية ستطبق من "
    "الساعة 8:00 إلى الساعة 19:00 كل يوم وحتى إشعار آخر انطلاقا من معبر كرم أبو سالم وحتى طريق "
    "صلاح الدين ثم شمالا."
)
DAILY_PAUSE_AR_2025 = (
    "وأوضح الجيش أن التعليق اليومي للعمليات يشمل مناطق المواصي ودير البلح ومدينة غزة، وذلك خلال "
    "الفترة من الساعة العاشرة صباحًا حتى الثامنة مساءً بالتوقيت المحلي، وحتى إشعار آخر."
)
ALEPPO_AR = (
    'أعلن الجيش الروسي في بيان الأربعاء، عن "هدنة إنسانية" جديدة في حلب في شمال سوريا، لمدة عشر '
    'ساعات الجمعة. وقال رئيس هيئة الأركان الروسية فاليري غيراسيموف: "اتخذ قرار بإرساء هدنة إنسانية '
    'في حلب في 4 تشرين الثاني/ نوفمبر من الساعة الـ9:00 إلى الساعة الـ19:00".'
)
AZOVSTAL = (
    '"The Russian armed forces will from 8 am to 6 pm (Moscow time) on May 5, 6 and 7 open a '
    "humanitarian corridor from the territory of the Azovstal metallurgical plant to evacuate "
    'civilians," the defense ministry said on Wednesday.'
)
SUDAN_GMT_AR = (
    'أعلنت الولايات المتحدة والسعودية في بيان مشترك أمس، أن ممثلي الجيش السوداني وقوات "الدعم السريع" '
    "وافقوا على وقف لإطلاق النار لمدة أسبوع يبدأ في الساعة 19:45 بتوقيت غرينتش اليوم."
)
DENIAL_AR = (
    'قال نتنياهو: "أريد أن أنفي أي نوع من الشائعات التي تصلنا من كل الجهات، لأكرر بوضوح أمرا '
    'واحدا: لن يكون هناك وقف لإطلاق النار من دون الإفراج عن رهائننا."'
)


def test_arabic_tactical_pause_with_clitics_and_folded_spelling() -> None:
    extraction = extract(KEREM_SHALOM_AR, anchor=date(2024, 6, 16))
    assert extraction.kind is not None and extraction.kind.value == "tactical_pause"
    (window,) = extraction.windows
    assert (window.start_local, window.end_local) == (time(8), time(19))
    assert window.recurrence == "daily" and window.until_further_notice
    assert {"crossing:kerem-shalom", "road:salah-al-din"} <= {p.id for p in extraction.places}
    # Spans point into the original text, diacritics and all.
    for place in extraction.places:
        assert KEREM_SHALOM_AR[place.span.start : place.span.end] == place.span.text
    assert draft_document(extraction, SourceText("بيان")).document is not None


def test_arabic_word_times_and_places() -> None:
    extraction = extract(DAILY_PAUSE_AR_2025, anchor=date(2025, 7, 27))
    (window,) = extraction.windows
    assert (window.start_local, window.end_local) == (time(10), time(20))
    ids = {p.id for p in extraction.places}
    assert ids == {"place:node/11408821425", "place:node/505035532", "place:node/504266619"}


def test_outside_gaza_the_zone_comes_from_the_place_and_nothing_is_invented() -> None:
    extraction = extract(ALEPPO_AR, anchor=date(2016, 11, 2))
    (window,) = extraction.windows
    assert (window.start_local, window.end_local, window.first_date) == (
        time(9),
        time(19),
        date(2016, 11, 4),
    )
    assert window.timezone == "Asia/Damascus"
    assert [p.id for p in extraction.places] == [None]  # Aleppo: no catalogue, id left empty
    draft = draft_document(extraction, SourceText("عربي 21"))
    assert draft.document is None
    assert "parts (no place from the catalogue)" in draft.to_fill_in


def test_a_zone_stated_next_to_the_time_wins_over_the_place() -> None:
    extraction = extract(AZOVSTAL, anchor=date(2022, 5, 4))
    (window,) = extraction.windows
    assert window.timezone == "Europe/Moscow"
    assert (window.first_date, window.last_date, window.recurrence) == (
        date(2022, 5, 5),
        date(2022, 5, 7),
        "daily",
    )


def test_a_time_given_only_in_gmt_stays_exact_when_the_zone_is_unknown() -> None:
    extraction = extract(SUDAN_GMT_AR, anchor=date(2023, 5, 22))
    (window,) = extraction.windows
    assert (window.start_local, window.timezone) == (time(19, 45), "UTC")
    assert window.last_date == date(2023, 5, 29)  # "for a week"
    # Given the zone (--tz), the same words give Khartoum's wall clock.
    local = extract(SUDAN_GMT_AR, anchor=date(2023, 5, 22), timezone="Africa/Khartoum")
    assert local.windows[0].start_local == time(21, 45)


def test_arabic_denial_is_no_announcement() -> None:
    extraction = extract(DENIAL_AR, anchor=date(2023, 11, 8))
    assert not extraction.is_announcement
    assert extraction.kind is not None and extraction.kind.value == "denial"


def test_another_region_plugs_in_with_its_own_zone() -> None:
    elsewhere = Gazetteer(
        [
            GazetteerEntry(
                "district:omdurman",
                "governorate",
                "Omdurman",
                ("Omdurman", "أم درمان"),
                "Africa/Khartoum",
            )
        ]
    )
    text = "A humanitarian pause in Omdurman will take effect from 06:00 to 18:00 on Saturday."
    extraction = extract(text, anchor=date(2023, 6, 1), gazetteer=elsewhere)
    assert [p.id for p in extraction.places] == ["district:omdurman"]
    assert extraction.windows[0].timezone == "Africa/Khartoum"
    assert extraction.windows[0].first_date == date(2023, 6, 3)


def test_folding_keeps_a_map_to_the_original() -> None:
    original = "إلى الساعةِ ١٠:٠٠ صباحاً"
    folded = fold(original)
    assert folded.text == "الي الساعه 10:00 صباحا"
    span = folded.span(folded.text.index("10"), folded.text.index("10") + 5)
    assert span.text == "١٠:٠٠"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "text is empty"),
        ("   \n\t ", "text is empty"),
        ("pause\x00\x01\x02\x03\x04 binary", "binary"),
        ("x" * 10_000_000, "the limit is"),
        (
            "Une pause humanitaire de quatre heures sera observée chaque jour à Gaza.",
            "no extraction rules",
        ),
        ("Гуманитарная пауза начнётся в 10:00 по московскому времени.", "no extraction rules"),
    ],
    ids=["empty", "blank", "binary", "10MB", "french", "russian"],
)
def test_bad_input_is_refused_with_the_field_and_the_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        extract(text, anchor=date(2024, 1, 1))
    (problem,) = caught.value.problems
    assert problem.location == "text"
    assert message in problem.message
