"""Pauses: the file format (models), resolution into zones and windows, and versions."""

from respite.pauses.fileformat import (
    load_pause_file,
    parse_pauses,
    pause_file_schema,
    published_schema,
)
from respite.pauses.model import (
    AmendmentAction,
    ObjectiveKind,
    PauseFile,
    PauseKind,
    PauseSpec,
    PauseStatus,
)
from respite.pauses.resolve import Part, Pause, PauseVersion, resolve_pause

__all__ = [
    "AmendmentAction",
    "ObjectiveKind",
    "Part",
    "Pause",
    "PauseFile",
    "PauseKind",
    "PauseSpec",
    "PauseStatus",
    "PauseVersion",
    "load_pause_file",
    "parse_pauses",
    "pause_file_schema",
    "published_schema",
    "resolve_pause",
]
