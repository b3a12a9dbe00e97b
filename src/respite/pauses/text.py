"""The building blocks every hand-written record shares: strict models and texts.

A :class:`Text` is written in English and, where known, Arabic; any other language is added
under its BCP 47 tag (``uk``, ``ru``, ``fr``, ``sd-Arab`` ...). Which languages a deployment
*requires* is its own setting (:func:`missing_languages`), not the model's: pauses happen in
Syria, Ukraine, Sudan and Yemen as well as Gaza.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from respite.errors import FieldProblem, Problem

#: A BCP 47 tag of the shapes people write: language, optional script, region or variants.
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
TEXT_LIMIT = 2000


class Text(BaseModel):
    """A text in English, (where known) Arabic, and any other language by its BCP 47 tag."""

    model_config = ConfigDict(
        extra="allow",
        frozen=True,
        str_strip_whitespace=True,
        json_schema_extra={
            "propertyNames": {"pattern": _LANGUAGE_TAG.pattern},
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": TEXT_LIMIT},
        },
    )

    en: Annotated[str, Field(min_length=1, max_length=TEXT_LIMIT)]
    ar: Annotated[str | None, Field(default=None, min_length=1, max_length=TEXT_LIMIT)] = None

    @model_validator(mode="after")
    def _other_languages(self) -> Self:
        for tag, value in (self.__pydantic_extra__ or {}).items():
            if not _LANGUAGE_TAG.match(tag):
                raise FieldProblem(
                    tag, f"{tag!r} is not a language tag; write a BCP 47 tag such as 'uk' or 'fr'"
                )
            if not isinstance(value, str) or not value.strip():
                raise FieldProblem(tag, "a text in another language must be a non-empty string")
            if len(value) > TEXT_LIMIT:
                raise FieldProblem(tag, f"text longer than {TEXT_LIMIT} characters")
        return self

    @property
    def languages(self) -> dict[str, str]:
        """Every language given, English first."""
        given = {"en": self.en}
        if self.ar is not None:
            given["ar"] = self.ar
        given.update({tag: str(value).strip() for tag, value in (self.model_extra or {}).items()})
        return given

    def get(self, language: str) -> str | None:
        return self.languages.get(language)


def missing_languages(text: Text, required: Collection[str]) -> list[str]:
    """The required languages ``text`` lacks (a deployment setting decides which are)."""
    given = text.languages
    return [language for language in required if language not in given]


def language_problems(
    model: BaseModel, required: Collection[str], where: str = ""
) -> list[Problem]:
    """Every text in ``model`` (nested models, tuples of them) lacking a required language."""
    problems: list[Problem] = []
    for name in type(model).model_fields:
        _visit(getattr(model, name), required, f"{where}.{name}" if where else name, problems)
    return problems


def _visit(value: object, required: Collection[str], where: str, problems: list[Problem]) -> None:
    if isinstance(value, Text):
        missing = missing_languages(value, required)
        if missing:
            problems.append(
                Problem(where, f"this deployment requires {', '.join(missing)} for every text")
            )
    elif isinstance(value, BaseModel):
        problems.extend(language_problems(value, required, where))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _visit(item, required, f"{where}[{index}]", problems)
