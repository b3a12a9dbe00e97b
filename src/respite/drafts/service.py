"""One call shared by the command line and the HTTP view: text in, proposal out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from respite.drafting import SourceText, as_json, draft_document, draft_extension, extract
from respite.drafting.model import Extraction
from respite.drafting.to_pause import AmendmentDraft, Draft
from respite.errors import InvalidInput, NotFound, Problem
from respite.pauses import Pause

__all__ = ["Proposal", "checked_zone", "propose"]


@dataclass(frozen=True, slots=True)
class Proposal:
    extraction: Extraction
    draft: Draft
    extension: AmendmentDraft | None

    def to_json(self) -> dict[str, Any]:
        return as_json(self.extraction, self.draft, self.extension)


def checked_zone(name: str | None, location: str) -> str | None:
    """``name`` if it is an IANA zone (or None); else a bad-input error naming ``location``."""
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            [Problem(location, f"unknown time zone {name!r}; give an IANA name such as Asia/Gaza")]
        ) from None
    return name


def _current_end(pause: Pause, text_date: date) -> tuple[datetime, int]:
    """The pause's end as known when the text was published, and the next version number."""
    zone = ZoneInfo(pause.timezone)
    known_at = int(datetime.combine(text_date, datetime.min.time(), tzinfo=zone).timestamp())
    version = pause.version_at(known_at) or pause.latest
    ends = [part.last_end() for part in version.parts]
    if not ends or any(end is None for end in ends):
        message = f"pause {pause.id!r} is open-ended: an extension has no end to move"
        raise InvalidInput([Problem("amends", message)])
    last = max(end for end in ends if end is not None)
    local = datetime.fromtimestamp(last, zone).replace(tzinfo=None)
    return local, version.version + 1


def propose(
    text: str,
    *,
    text_date: date,
    timezone: str | None = None,
    source: SourceText,
    amends: str | None = None,
    pauses: Sequence[Pause] = (),
) -> Proposal:
    """Read ``text`` into a proposal; ``amends`` names the pause an extension extends."""
    zone = checked_zone(timezone, "timezone")
    extraction = extract(text, anchor=text_date, timezone=zone)
    draft = draft_document(extraction, source)
    current_end: datetime | None = None
    version = 2
    if amends is not None:
        found = next((p for p in pauses if p.id == amends), None)
        if found is None:
            raise NotFound(
                f"no pause {amends!r} to amend; known: {', '.join(p.id for p in pauses)}"
            )
        current_end, version = _current_end(found, text_date)
    extension = draft_extension(extraction, source, current_end=current_end, version=version)
    return Proposal(extraction, draft, extension)
