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
from .present import as_json, field_rows
from .to_pause import AmendmentDraft, Draft, SourceText, draft_document, draft_extension

__all__ = [
    "MAX_TEXT_CHARS",
    "SUPPORTED_LANGUAGES",
    "AmendmentDraft",
    "Draft",
    "Extraction",
    "Gazetteer",
    "GazetteerEntry",
    "SourceText",
    "Span",
    "as_json",
    "draft_document",
    "draft_extension",
    "extract",
    "field_rows",
    "language_of",
]
