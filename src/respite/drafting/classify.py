"""Is this text announcing a pause, and what kind; or only calling for one, or denying one?

A text announces a pause when it names one (pause, corridor, truce, ceasefire, هدنة, ممر...)
with something concrete about it (a clock time, a date, a length, a repetition or an
extension) and no cue that it is only a call ("calling for", "urging", "يدعو", "طالب") or a
denial ("there is no ceasefire", "disputing", "نفى", "لن يكون هناك") about that pause. Cues
are matched in folded text and each decision keeps the span that made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clock import folded_pattern, word_pattern

__all__ = ["Verdict", "classify"]

_NOUN = word_pattern(
    "pauses?",
    "truce",
    "ceasefire",
    "cease-fire",
    "corridors?",
    "humanitarian windows?",
    "safe passage",
    "traffic on",
    r"open(?:ed|s)? (?:the )?[\w\s-]{0,20}road",
    "هدنة",
    "هدن",
    "الهدنة",
    "تهدئة",
    "التهدئة",
    "ممر",
    "ممرات",
    "وقف إطلاق النار",
    "وقف لإطلاق النار",
    "وقف القتال",
    "تعليق",
    "طريق نقل",
    "فتح طريق",
    "فتح شارع",
    "وقف مؤقت",
)
_CALL = word_pattern(
    "calling for",
    "calls for",
    "called for",
    "call for",
    "urging",
    "urged",
    "urges",
    "pressing for",
    "push(?:ing)? for",
    r"explor\w+ (?:the idea|a series)",
    "talking about the benefit",
    "need a pause",
    "was needed",
    "is needed",
    r"demand\w*",
    r"appeal\w* for",
    "willing to consider",
    "يدعو",
    "دعا",
    "دعت",
    "تدعو",
    "ندعو",
    "أدعو",
    "طالب",
    "يطالب",
    "تطالب",
    "أطالب",
    "ضرورة",
    "مطالبة",
    "المطالبة",
    "الضغوط",
)
_DENIAL = word_pattern(
    "there is no",
    "there is currently no",
    "there will be no",
    "no ceasefire",
    "no truce",
    "no cessation",
    "denied",
    "denies",
    "deny",
    r"disput\w+",
    r"dismiss\w+",
    r"refut\w+",
    r"rul\w+ out",
    r"reject\w*",
    "no agreement",
    r"postpone\w*",
    "called off",
    "نفى",
    "نفت",
    "ينفي",
    "أنفي",
    "لن يكون هناك",
    "لا يوجد",
    "رفض",
    "رفضه",
    "يرفض",
    "لن يسري",
    "لن ينطبق",
    "لا تشمل",
    "تأجيل",
    "إلغاء",
    "يلغي",
    "لم يتم التوصل",
)
_POSTPONE = word_pattern(
    r"postpone\w*", "called off", "تأجيل", "لن يسري", "لن ينطبق", "لا تشمل", "يلغي"
)
_ANNOUNCE = word_pattern(
    "will",
    r"announc\w+",
    "agreed",
    "agree",
    r"begin\w*",
    "began",
    r"start\w*",
    r"implement\w*",
    r"open\w*",
    "take effect",
    "go into effect",
    r"enter\w* into force",
    "in effect",
    r"extend\w*",
    r"allow\w*",
    r"initiat\w*",
    r"commit\w*",
    "scheduled",
    "due to",
    "سيتم",
    "ستطبق",
    "ستبدأ",
    "تبدأ",
    "يبدأ",
    "أعلن",
    "أعلنت",
    "وافق",
    "وافقت",
    "دخلت",
    "حيز التنفيذ",
    "تمديد",
    "سيلزم",
    "ننفذ",
    "سننفذ",
    "فتح",
    "تستمر",
    "ستستمر",
    "اتفاق",
    "الاتفاق",
    "سريان",
    "ستظل",
    "يظل",
    "سيفتح",
)

_KINDS = [
    ("tactical_pause", folded_pattern("(tactical|تكتيكي|تكتيكية)")),
    (
        "corridor",
        word_pattern(
            "corridors?",
            "safe passage",
            "traffic on",
            "road will be open",
            "evacuation route",
            r"open(?:ed|s)? (?:the )?[\w\s-]{0,20}road",
            "ممر",
            "ممرات",
            "طريق نقل",
            "فتح طريق",
            "فتح شارع",
        ),
    ),
    (
        "truce",
        word_pattern(
            "truce",
            "short-term ceasefire",
            "humanitarian ceasefire",
            "seven-day ceasefire",
            "four-day ceasefire",
            "الهدنة الإنسانية المؤقتة",
            "وقف إطلاق النار قصير الأمد",
            "وقف لإطلاق النار لمدة أسبوع",
        ),
    ),
    ("humanitarian_pause", folded_pattern("(pauses?|humanitarian windows?|هدن|هدنة|تهدئة|تعليق)")),
    ("truce", folded_pattern("(ceasefire|cease-fire|وقف إطلاق النار|وقف لإطلاق النار|وقف القتال)")),
]


@dataclass(frozen=True, slots=True)
class Verdict:
    is_announcement: bool
    kind: str
    cue: tuple[int, int] | None
    confidence: float


def classify(text: str, *, has_time: bool, has_specifics: bool, multi_day: bool) -> Verdict:
    """Decide from folded ``text`` and what the other extractors found (see the docstring)."""
    noun = _NOUN.search(text)
    call = _CALL.search(text)
    denial = _DENIAL.search(text)
    postpone = _POSTPONE.search(text)
    announce = _ANNOUNCE.search(text)
    if noun is None:
        return Verdict(False, "no_pause", None, 0.6)
    if postpone is not None:
        return Verdict(False, "no_pause", postpone.span(), 0.7)
    if denial is not None and not has_time:
        return Verdict(False, "denial", denial.span(), 0.7)
    if call is not None and not has_time and not _committed(text):
        return Verdict(False, "call_for_pause", call.span(), 0.7)
    if not (has_time or has_specifics) or announce is None:
        return Verdict(False, "call_for_pause" if call else "no_pause", (call or noun).span(), 0.5)
    kind, span = _kind(text, multi_day=multi_day)
    return Verdict(True, kind, span or noun.span(), 0.85 if has_time else 0.65)


_COMMITTED = folded_pattern(
    r"(?<![\w])(has agreed|have agreed|agreed to|وافقت|وافق|اتفاق|تم التوصل)(?![\w])"
)


def _committed(text: str) -> bool:
    return _COMMITTED.search(text) is not None


def _kind(text: str, *, multi_day: bool) -> tuple[str, tuple[int, int] | None]:
    hits: list[tuple[int, str, tuple[int, int]]] = []
    for rank, (kind, pattern) in enumerate(_KINDS):
        m = pattern.search(text)
        if m is not None:
            hits.append((rank, kind, m.span()))
    if not hits:
        return "humanitarian_pause", None
    rank, kind, span = min(hits)
    # Arabic هدنة names both: a multi-day one is the truce, an hours-long one a pause.
    if kind == "humanitarian_pause" and multi_day and re.search("هدن", text[span[0] : span[1]]):
        return "truce", span
    if kind == "truce" and not multi_day and any(k == "humanitarian_pause" for _, k, _ in hits):
        return "humanitarian_pause", next(s for _, k, s in hits if k == "humanitarian_pause")
    return kind, span
