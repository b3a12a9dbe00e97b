"""From announcement text to draft pause: a pure library (no web, no database, offline).

:func:`extract` reads a statement, post or news report into an
:class:`~respite.drafting.model.Extraction` (every field with the span of text it came from and
a confidence, what is missing listed in ``to_fill_in``); :func:`draft_document` turns it into a
draft in the pause file format (``status: draft``, unpublished) for a coordinator to confirm.
"""

from __future__ import annotations

from .extract import MAX_TEXT_CHARS, SUPPORTED_LANGUAGES, extract, language_of
from .gazetteer import Gazetteer, GazetteerEntry
from .model import Extraction, Span

__all__ = [
    "MAX_TEXT_CHARS",
    "SUPPORTED_LANGUAGES",
    "Extraction",
    "Gazetteer",
    "GazetteerEntry",
    "Span",
    "extract",
    "language_of",
]
