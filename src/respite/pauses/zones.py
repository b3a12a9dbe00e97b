"""Where: the zone forms a part may take (exactly one each), as written in a pause file.

A union is written as several parts. Names (governorates, roads, blocks) are looked up in the
area catalogue when the pause is resolved (:mod:`respite.pauses.resolve_parts`).
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from respite.errors import FieldProblem
from respite.pauses.movement import CorridorDirection
from respite.validation import Strict


class CorridorSpec(Strict):
    """A road or line with a width; ``road`` names a shipped road, ``line`` is GeoJSON."""

    road: str | None = None
    line: dict[str, Any] | None = None
    width_m: Annotated[float, Field(gt=0, le=100_000)]
    #: the way traffic runs (``both`` for two-way); who and how is the part's ``movement``
    direction: CorridorDirection | None = None

    @model_validator(mode="after")
    def _one_line(self) -> Self:
        if (self.road is None) == (self.line is None):
            raise FieldProblem(
                "road", "corridor needs exactly one of 'road' (a shipped road id) or 'line'"
            )
        return self


class CircleSpec(Strict):
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    radius_m: Annotated[float, Field(gt=0, le=100_000)]


class ZoneSpec(Strict):
    """Where: exactly one of the forms below (a union is written as several parts)."""

    geometry: dict[str, Any] | None = None
    governorates: tuple[str, ...] | None = None
    #: admin areas of any bundled region by p-code or name (``SD`` or ``Sudan``, ``PS0265``)
    areas: tuple[str, ...] | None = None
    blocks: tuple[int, ...] | None = None
    corridor: CorridorSpec | None = None
    circle: CircleSpec | None = None
    approximation: str | None = Field(
        default=None, description="How this zone approximates the announced area, if it does"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        forms = [
            name
            for name in ("geometry", "governorates", "areas", "blocks", "corridor", "circle")
            if getattr(self, name) is not None
        ]
        if len(forms) != 1:
            raise ValueError(
                "zone needs exactly one of geometry, governorates, areas, blocks, corridor, circle"
                + (f" (got {', '.join(forms)})" if forms else "")
            )
        if self.governorates is not None and not self.governorates:
            raise FieldProblem("governorates", "governorates must list at least one pcode or name")
        if self.areas is not None and not self.areas:
            raise FieldProblem("areas", "areas must list at least one p-code or name")
        if self.blocks is not None and not self.blocks:
            raise FieldProblem("blocks", "blocks must list at least one block number")
        return self
