"""Pauses: the file format (models), resolution into zones and windows, and versions.

A pause file is checked in full and resolved into zones and windows in one call:

>>> from respite.pauses import parse_pauses
>>> text = '''
... format: respite-pauses/1
... pauses:
...   - id: jabalia-2023-11-11
...     name: {en: Tactical pause in Jabalia}
...     kind: tactical_pause
...     timezone: Asia/Gaza
...     parts:
...       - id: jabalia
...         zone: {circle: {lon: 34.4840, lat: 31.5300, radius_m: 1500}}
...         windows: [{start: "2023-11-11T10:00", end: "2023-11-11T14:00"}]
...     sources: [{title: IDF announcement, date: 2023-11-11}]
... '''
>>> (pause,) = parse_pauses(text)
>>> window = pause.latest.parts[0].windows[0]
>>> window.start.isoformat(), window.end.isoformat()
('2023-11-11T08:00:00+00:00', '2023-11-11T12:00:00+00:00')
"""

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
