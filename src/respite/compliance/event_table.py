"""Events as a columnar table (numpy arrays), in lon/lat: what readers hand to a report.

Columnar so that millions of events (a Parquet file read in batches, a Dask partition) never
become millions of Python objects; :meth:`EventTable.from_records` is the small-data door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from respite.events.record import IncidentRecord

ObjectArray = npt.NDArray[np.object_]

#: ``fatalities`` value for "not reported" (which is not zero).
UNKNOWN_FATALITIES = -1


@dataclass(frozen=True, slots=True)
class EventTable:
    """One row per event; all arrays have the same length."""

    key: ObjectArray  # str: the event's id as the report shows it
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    t_lo: npt.NDArray[np.int64]  # UTC seconds, inclusive
    t_hi: npt.NDArray[np.int64]  # UTC seconds, exclusive
    radius_m: npt.NDArray[np.float64]
    event_type: ObjectArray  # str
    fatalities: npt.NDArray[np.int64]  # UNKNOWN_FATALITIES when not reported
    time_precision: ObjectArray  # str (TimePrecision value)
    geo_precision: ObjectArray  # str (GeoPrecision value)
    location: ObjectArray  # str or None

    def __len__(self) -> int:
        return len(self.key)

    def take(self, index: npt.NDArray[np.int64]) -> EventTable:
        """The rows at ``index``, in that order."""
        return EventTable(**{name: getattr(self, name)[index] for name in _COLUMNS})

    @classmethod
    def from_records(cls, keys: Sequence[str], records: Sequence[IncidentRecord]) -> EventTable:
        if len(keys) != len(records):
            raise ValueError("one key per record")

        def objects(values: Sequence[object]) -> ObjectArray:
            out = np.empty(len(values), dtype=object)
            out[:] = list(values)
            return out

        return cls(
            key=objects(list(keys)),
            lon=np.array([r.lon for r in records], dtype=np.float64),
            lat=np.array([r.lat for r in records], dtype=np.float64),
            t_lo=np.array([r.occurred_from for r in records], dtype=np.int64),
            t_hi=np.array([r.occurred_until for r in records], dtype=np.int64),
            radius_m=np.array([r.radius_m for r in records], dtype=np.float64),
            event_type=objects([r.event_type for r in records]),
            fatalities=np.array(
                [UNKNOWN_FATALITIES if r.fatalities is None else r.fatalities for r in records],
                dtype=np.int64,
            ),
            time_precision=objects([r.time_precision.value for r in records]),
            geo_precision=objects([r.geo_precision.value for r in records]),
            location=objects([r.location for r in records]),
        )


_COLUMNS = tuple(EventTable.__dataclass_fields__)
