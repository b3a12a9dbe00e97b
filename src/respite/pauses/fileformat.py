"""Reading and checking pause files (YAML or JSON), and the published JSON Schema.

A file is parsed strictly: duplicate keys, unknown fields and YAML syntax errors are all
reported with their location, because a silently ignored line in a hand-written file can move
a window or a zone. All problems are gathered and raised together as :class:`PauseFileError`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from respite.errors import InvalidInput, PauseFileError, Problem
from respite.geometry import AreaCatalogue
from respite.pauses.model import PauseFile
from respite.pauses.resolve import Pause, resolve_pause
from respite.validation import problems_from_pydantic

MAX_FILE_BYTES = 20 * 1024 * 1024
SCHEMA_RESOURCE = "pause-file.schema.json"


def load_pause_file(path: str | Path, catalogue: AreaCatalogue | None = None) -> list[Pause]:
    """Read, validate and resolve every pause in a YAML or JSON file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise PauseFileError(f"cannot read {path}: {error.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise PauseFileError(f"{path} is {size} bytes; the limit is {MAX_FILE_BYTES}")
    text = path.read_text(encoding="utf-8")
    return parse_pauses(text, name=str(path), catalogue=catalogue)


def parse_pauses(
    text: str, *, name: str = "<text>", catalogue: AreaCatalogue | None = None
) -> list[Pause]:
    """Validate and resolve pauses from the text of a file."""
    document = read_document(text, name=name)
    return resolve_document(document, catalogue=catalogue)


def read_document(text: str, *, name: str = "<text>") -> PauseFile:
    data = _load_tree(text, name)
    try:
        return PauseFile.model_validate(data)
    except ValidationError as error:
        raise PauseFileError(problems_from_pydantic(error)) from None


def resolve_document(document: PauseFile, catalogue: AreaCatalogue | None = None) -> list[Pause]:
    catalogue = catalogue or AreaCatalogue.bundled()
    pauses: list[Pause] = []
    problems: list[Problem] = []
    for index, spec in enumerate(document.pauses):
        try:
            pauses.append(resolve_pause(spec, catalogue))
        except InvalidInput as error:
            problems.extend(error.prefixed(f"pauses[{index}]").problems)
    if problems:
        raise PauseFileError(problems)
    return pauses


def pause_file_schema() -> dict[str, Any]:
    """The JSON Schema of the pause file format (draft 2020-12), as generated."""
    schema = PauseFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://respite.invalid/schemas/pause-file.schema.json"
    schema["title"] = "Respite pause file (respite-pauses/1)"
    return schema


def published_schema() -> dict[str, Any]:
    """The schema shipped with the package (kept equal to the generated one by a test)."""
    text = resources.files("respite.schemas").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# -- strict loaders ----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise PauseFileError(
                f"line {mark.line + 1}, column {mark.column + 1}: key {key!r} appears twice "
                f"in the same mapping (first on line {seen[key]})"
            )
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _load_tree(text: str, name: str) -> object:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as error:
            raise PauseFileError(
                f"{name}: line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"
            ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PauseFileError(f"{name}: {where}invalid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise PauseFileError(f"{name}: invalid YAML: {error}") from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PauseFileError(f"key {key!r} appears twice in the same object")
        result[key] = value
    return result
