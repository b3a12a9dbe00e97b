"""Who may move, which way, how, and through which checkpoints: per corridor or part.

Aleppo, 20 Oct 2016: eight corridors, six for civilians and two for fighters; the Salah al-Din
road in Nov 2023: southbound only, on foot. A free-text line cannot be checked or shown next to
the answer, so movement is a structured record with a text beside it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from respite.errors import FieldProblem
from respite.pauses.text import Text
from respite.validation import Strict


class MovementUser(StrEnum):
    CIVILIANS = "civilians"
    ARMED_MEN = "armed_men"
    HUMANITARIAN_CONVOYS = "humanitarian_convoys"
    MEDICAL_EVACUATIONS = "medical_evacuations"
    UN_STAFF = "un_staff"
    WOUNDED = "wounded"
    JOURNALISTS = "journalists"


class MovementMode(StrEnum):
    ON_FOOT = "on_foot"
    VEHICLES = "vehicles"
    BUSES = "buses"
    AMBULANCES = "ambulances"
    TRUCKS = "trucks"


#: Compass directions a corridor may run towards, and ``both`` for two-way traffic.
CorridorDirection = Literal[
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "both"
]


class Direction(Strict):
    """``one_way`` towards a named end or place (and/or a bearing), or ``both`` ways."""

    kind: Literal["one_way", "both"]
    towards: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    bearing_deg: Annotated[float | None, Field(ge=0, lt=360)] = None

    @model_validator(mode="after")
    def _ends(self) -> Self:
        if self.kind == "one_way" and self.towards is None and self.bearing_deg is None:
            raise FieldProblem("towards", "a one-way direction needs 'towards' or 'bearing_deg'")
        if self.kind == "both" and (self.towards is not None or self.bearing_deg is not None):
            raise FieldProblem("towards", "'towards' and 'bearing_deg' are for one-way movement")
        return self

    def describe(self) -> str:
        if self.kind == "both":
            return "both ways"
        ends = [f"towards {self.towards}"] if self.towards else []
        if self.bearing_deg is not None:
            ends.append(f"bearing {self.bearing_deg:g} deg")
        return "one way " + ", ".join(ends)


class Checkpoint(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    lat: Annotated[float, Field(ge=-90, le=90)]


class MovementSpec(Strict):
    """The movement rules of one part (a corridor, a zone)."""

    users: tuple[MovementUser, ...] = ()
    direction: Direction | None = None
    modes: tuple[MovementMode, ...] = ()
    checkpoints: tuple[Checkpoint, ...] = ()
    text: Text | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not (self.users or self.direction or self.modes or self.checkpoints or self.text):
            raise FieldProblem("users", "movement needs at least one of its fields")
        return self

    def describe(self) -> str:
        """One line of English: ``civilians; one way towards Castello road; on foot``."""
        said: list[str] = []
        if self.users:
            said.append(" and ".join(u.value.replace("_", " ") for u in self.users) + " only")
        if self.direction is not None:
            said.append(self.direction.describe())
        if self.modes:
            said.append(" or ".join(m.value.replace("_", " ") for m in self.modes))
        if self.checkpoints:
            said.append("checkpoints: " + ", ".join(c.name for c in self.checkpoints))
        line = "; ".join(said)
        if self.text is not None:
            line = f"{line} ({self.text.en})" if line else self.text.en
        return line
