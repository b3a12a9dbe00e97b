"""Validated input: the strict pydantic base, and pydantic's errors as located Problems.

Every model a person writes (pause files, notifications, field reports, request bodies) derives
from :class:`Strict`; whatever pydantic refuses becomes :class:`~respite.errors.Problem` s that
name the field (``pauses[0].parts[1].zone``) with a plain sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from respite.errors import FieldProblem, Problem


class Strict(BaseModel):
    """Unknown keys are mistakes in a hand-written file, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def problems_from_pydantic(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Pydantic errors as Problems with ``a[0].b`` locations and plain messages."""
    problems: list[tuple[str, Problem]] = []
    for item in error.errors(include_url=False):
        location = format_location(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblem):
            # A whole-object check that knows which field is wrong: say so in the location.
            location = f"{location}.{cause.field}" if location else cause.field
            location = location.replace(".[", "[")
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see the pause file schema)"
        elif item["type"] == "missing":
            message = "required field is missing"
        if prefix:
            location = f"{prefix}.{location}" if location else prefix
        problems.append((item["type"], Problem(location, message)))
    # A list whose only items failed also reports itself as too short: noise, since the
    # items' own problems say what to fix.
    return [
        problem
        for kind, problem in problems
        if kind != "too_short"
        or not any(
            other.location.startswith(problem.location) and other is not problem
            for _, other in problems
        )
    ]


def format_location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
