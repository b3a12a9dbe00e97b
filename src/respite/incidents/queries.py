"""Finding incidents: the filters the API and the command line share, done in SQL.

``bbox`` matches the incident's position (the centre of its disc); the time range matches
incidents whose span overlaps ``[start, end)``. Results come in a stable order (start of the
span, then id), so ``limit``/``offset`` pages neither skip nor repeat while nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from respite.compliance.event_table import UNKNOWN_FATALITIES, EventTable
from respite.events.record import IncidentSource
from respite.incidents.tables import IncidentRow, ReviewState

MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Filters:
    #: minlon, minlat, maxlon, maxlat
    bbox: tuple[float, float, float, float] | None = None
    #: UTC seconds, [start, end)
    start: int | None = None
    end: int | None = None
    states: Sequence[ReviewState] = ()
    sources: Sequence[IncidentSource] = ()
    event_types: Sequence[str] = ()
    datasets: Sequence[str] = ()
    owner_org_id: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.bbox is not None:
            minlon, minlat, maxlon, maxlat = self.bbox
            found += [
                IncidentRow.lon.between(minlon, maxlon),
                IncidentRow.lat.between(minlat, maxlat),
            ]
        if self.end is not None:
            found.append(IncidentRow.occurred_from < self.end)
        if self.start is not None:
            found.append(IncidentRow.occurred_until > self.start)
        if self.states:
            found.append(IncidentRow.review_state.in_(list(self.states)))
        if self.sources:
            found.append(IncidentRow.source.in_(list(self.sources)))
        if self.event_types:
            found.append(IncidentRow.event_type.in_(list(self.event_types)))
        if self.datasets:
            found.append(IncidentRow.dataset.in_(list(self.datasets)))
        if self.owner_org_id is not None:
            found.append(IncidentRow.owner_organisation_id == self.owner_org_id)
        return found


def _query(visible: ColumnElement[bool], filters: Filters) -> Select[IncidentRow]:
    return select(IncidentRow).where(visible, *filters.conditions())


def find_incidents(
    session: Session,
    *,
    visible: ColumnElement[bool],
    filters: Filters,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[IncidentRow], int]:
    """One page of the incidents matching, and how many match in all."""
    query = _query(visible, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(IncidentRow.occurred_from, IncidentRow.id).limit(limit).offset(offset)
    return list(session.scalars(page)), int(total)


#: The columns a compliance report reads, in EventTable's terms.
EVENT_COLUMNS = (
    IncidentRow.id,
    IncidentRow.source,
    IncidentRow.dataset,
    IncidentRow.source_key,
    IncidentRow.lon,
    IncidentRow.lat,
    IncidentRow.occurred_from,
    IncidentRow.occurred_until,
    IncidentRow.radius_m,
    IncidentRow.event_type,
    IncidentRow.fatalities,
    IncidentRow.time_precision,
    IncidentRow.geo_precision,
    IncidentRow.location,
)


def event_tables(
    session: Session, *, visible: ColumnElement[bool], filters: Filters, chunk: int = 20_000
) -> Iterator[EventTable]:
    """The matching incidents as column tables of at most ``chunk`` rows: only the columns a
    report needs, straight into arrays (no ORM object, no attributes parsed)."""
    query = select(*EVENT_COLUMNS).where(visible, *filters.conditions()).order_by(IncidentRow.id)
    result = session.execute(query.execution_options(yield_per=chunk))
    for part in result.partitions(chunk):
        yield _table(part)


def _table(rows: Sequence[Sequence[Any]]) -> EventTable:
    columns = list(zip(*rows, strict=True))

    def objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    ident, source, dataset, source_key = columns[:4]
    lon, lat, lo, hi, radius, kind, deaths, time_p, geo_p, place = columns[4:]
    # An imported event is shown by the key its source gave it (ACLED's event_id_cnty), so a
    # reviewer can find the row in the export; a field report has no other name than its id.
    key = [
        i if s is IncidentSource.FIELD else f"{d}:{k}"
        for i, s, d, k in zip(ident, source, dataset, source_key, strict=True)
    ]
    return EventTable(
        key=objects(key),
        lon=np.array(lon, dtype=np.float64),
        lat=np.array(lat, dtype=np.float64),
        t_lo=np.array(lo, dtype=np.int64),
        t_hi=np.array(hi, dtype=np.int64),
        radius_m=np.array(radius, dtype=np.float64),
        event_type=objects(kind),
        fatalities=np.array(
            [UNKNOWN_FATALITIES if d is None else d for d in deaths], dtype=np.int64
        ),
        time_precision=objects([p.value for p in time_p]),
        geo_precision=objects([p.value for p in geo_p]),
        location=objects(place),
    )
