"""``POST /v1/drafts``: read an announcement text into a draft pause. Nothing is stored.

Coordinators and administrators (the policy table's ``draft_pause``): a draft is what they
confirm and then record through ``POST /v1/pauses``. Bad input (empty, binary or oversized
text, a language without rules, an unknown zone) is a 422 problem naming the field
(``text``, ``timezone``, ``date``); bodies over the service's limit get 413 before being read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from respite.drafting import MAX_TEXT_CHARS, SourceText
from respite.drafts.service import propose
from respite.httpkit.deps import Caller
from respite.httpkit.policy import Action, require

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=500)]
    publisher: Annotated[str | None, Field(max_length=500)] = None
    url: HttpUrl | None = None


class DraftRequest(BaseModel):
    """An announcement text and the day it was published (anchor of "tomorrow", "on Friday")."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)]
    date: date
    timezone: Annotated[str | None, Field(max_length=64)] = None
    source: SourceIn | None = None


@router.post("", summary="Read an announcement text into a draft pause (nothing is stored)")
def create_draft(body: DraftRequest, caller: Caller) -> dict[str, Any]:
    require(caller, Action.DRAFT_PAUSE)
    source = body.source
    cited = SourceText(
        title=source.title if source else "announcement text",
        publisher=source.publisher if source else None,
        url=str(source.url) if source and source.url else None,
        date=body.date,
    )
    proposal = propose(body.text, text_date=body.date, timezone=body.timezone, source=cited)
    return proposal.to_json()
