"""The join by brute force with shapely, pair by pair: the oracle for the engine's tests.

Import it by path (tests/ is not a package). Slow on purpose: no index, no cleverness.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point

from respite.compliance.frame import OVERLAPS, WITHIN, EventColumns, Pairs, ZoneWindows


def brute_join(events: EventColumns, rows: ZoneWindows) -> Pairs:
    found: list[tuple[int, int, int, int]] = []
    for e in range(len(events)):
        point = Point(float(events.x[e]), float(events.y[e]))
        lo, hi, r = int(events.t_lo[e]), int(events.t_hi[e]), float(events.radius[e])
        for i in range(len(rows)):
            start, end = int(rows.start[i]), int(rows.end[i])
            if not (lo < end and hi > start):
                continue
            zone = rows.zones[int(rows.zone[i])]
            if shapely.distance(zone, point) > r:
                continue
            time = WITHIN if start <= lo and hi <= end else OVERLAPS
            within = zone.contains(point) and shapely.distance(zone.boundary, point) >= r
            found.append((e, i, time, WITHIN if within else OVERLAPS))
    arr = np.array(found, dtype=np.int64).reshape(-1, 4)
    return Pairs(
        event=arr[:, 0].copy(),
        row=arr[:, 1].copy(),
        time=arr[:, 2].astype(np.int8),
        place=arr[:, 3].astype(np.int8),
    )
