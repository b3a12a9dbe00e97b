"""Reading the labelled corpus and its fixed dev/test split."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

CORPUS = Path(__file__).parent / "corpus"
Split = Literal["dev", "test"]


def split_of(text_id: str) -> Split:
    """test when the first byte of sha256(id) is odd: fixed before any rule was written."""
    return "test" if hashlib.sha256(text_id.encode()).digest()[0] % 2 else "dev"


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    language: str
    text: str
    date: date
    source: dict[str, Any]
    labels: dict[str, Any]

    @property
    def split(self) -> Split:
        return split_of(self.id)


def load(folder: Path = CORPUS) -> list[Labelled]:
    texts: list[Labelled] = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8"))["texts"]:
            source = item["source"]
            texts.append(
                Labelled(
                    item["id"],
                    item["language"],
                    item["text"],
                    source["date"],
                    source,
                    item["labels"],
                )
            )
    ids = [t.id for t in texts]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate text ids in the corpus")
    return texts
