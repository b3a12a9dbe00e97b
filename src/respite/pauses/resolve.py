"""From a validated :class:`PauseSpec` to a usable :class:`Pause` with all its versions.

Resolution turns zone specs into shapely geometries (via the shipped area catalogue), window
specs into schedule windows (:mod:`respite.pauses.resolve_parts`), and replays the amendments
(:mod:`respite.pauses.amend`) to produce one :class:`PauseVersion` per version. Every problem
is collected with its location in the file before anything is raised, so a coordinator sees
all mistakes at once.
"""

from __future__ import annotations

from respite.errors import InvalidInput, Problem
from respite.geometry import AreaCatalogue
from respite.pauses.amend import amend
from respite.pauses.model import PauseSpec
from respite.pauses.parts import FOREVER, Part
from respite.pauses.resolve_parts import instant, resolve_part, resolve_zone, to_window, zone_info
from respite.pauses.status import derive, first_part_status
from respite.pauses.versions import Pause, PauseVersion


def resolve_pause(spec: PauseSpec, catalogue: AreaCatalogue | None = None) -> Pause:
    """Resolve a pause spec; raises :class:`InvalidInput` listing every problem."""
    catalogue = catalogue or AreaCatalogue.bundled()
    problems: list[Problem] = []
    tz = zone_info(spec.timezone, "timezone", problems)
    status = first_part_status(spec.status)
    parts = tuple(
        part
        for index, part_spec in enumerate(spec.parts)
        if (
            part := resolve_part(
                spec.id, part_spec, tz, catalogue, f"parts[{index}]", problems, status
            )
        )
    )
    if problems:
        raise InvalidInput(problems)
    assert tz is not None  # a bad zone is a problem above
    announced = instant(spec.announced_at, tz) if spec.announced_at else None
    status_1 = derive(p.status for p in parts)
    versions = [PauseVersion(1, status_1, announced, parts, None, announced, spec.first_visibility)]
    notice = spec.notice.hours_in_advance if spec.notice is not None else None
    for index, amendment in enumerate(spec.amendments):
        where = f"amendments[{index}]"
        try:
            versions.append(
                amend(versions[-1], amendment, tz, catalogue, spec.id, where, notice_hours=notice)
            )
        except InvalidInput as error:
            problems.extend(error.problems)
            break
    if problems:
        raise InvalidInput(problems)
    return Pause(spec, tuple(versions))


__all__ = [
    "FOREVER",
    "Part",
    "Pause",
    "PauseVersion",
    "resolve_pause",
    "resolve_zone",
    "to_window",
]
