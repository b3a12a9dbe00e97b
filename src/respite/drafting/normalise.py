"""Text folding for matching, keeping a map back to the original characters.

Arabic is folded as Arabic search engines do: short vowels, tatweel and directional marks are
dropped; hamzated alef forms become bare alef, taa marbuta becomes haa, alef maqsura becomes
yaa; Arabic-Indic digits become ASCII. Latin text is case-folded and its apostrophes and dashes
unified. Every folded character remembers the index of the original character it came from, so
a match in folded text becomes a span of the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .model import Span

_DROP = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640", "\u200e", "\u200f"}
_DROP |= {"\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u200b", "\u00ad"}
_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "“": '"',
    "”": '"',
    "«": '"',
    "»": '"',
    "\u00a0": " ",
    "،": ",",
    "؛": ";",
    "؟": "?",
}
_FOLD |= {chr(0x0660 + d): str(d) for d in range(10)}  # Arabic-Indic digits
_FOLD |= {chr(0x06F0 + d): str(d) for d in range(10)}  # Eastern (Persian) digits


@dataclass(frozen=True, slots=True)
class Folded:
    """``text`` folded for matching; ``origin[i]`` is the original index of ``text[i]``."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        """The original-text span of folded characters ``start``..``end``."""
        if start >= end:
            position = self.origin[start] if start < len(self.origin) else len(self.original)
            return Span(position, position, "")
        first = self.origin[start]
        last = self.origin[end - 1] + 1
        return Span(first, last, self.original[first:last])


def fold(text: str) -> Folded:
    """Fold ``text`` for matching (see the module docstring)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in _DROP:
            continue
        replaced = _FOLD.get(char)
        if replaced is None:
            replaced = unicodedata.normalize("NFKC", char).casefold()
            if any(unicodedata.combining(c) for c in replaced):
                replaced = "".join(c for c in replaced if not unicodedata.combining(c))
        for piece in replaced:
            chars.append(piece)
            origin.append(index)
    return Folded(text, "".join(chars), tuple(origin))


def fold_name(name: str) -> str:
    """A name folded the same way, with runs of spaces and hyphens made single spaces."""
    folded = fold(name).text
    return " ".join(folded.replace("-", " ").split())
