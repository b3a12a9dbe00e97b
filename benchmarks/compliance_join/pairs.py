"""What every engine must agree on: the pair count, a pair-set checksum and the class split.

A pair ``(event, row)`` is keyed ``k = event * STRIDE + row`` (injective while rows <= STRIDE)
and hashed to ``h = h1 * 2**31 + h2`` with ``h1 = (k mod M1) * A1 mod M1`` and
``h2 = (k mod M2) * A2 mod M2`` (L'Ecuyer's two MLCG moduli and multipliers). Every step fits
a signed 64-bit integer, so PostgreSQL and DuckDB compute exactly what numpy does, inside the
join query, without shipping millions of pairs to the client; and because ``M1 * M2`` exceeds
every key, ``h`` is injective too. Two pair sets then agree when their counts, ``sum(h)`` (exact)
and ``xor(h)`` agree, which a missing, extra or misattributed pair would break.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from respite.compliance.frame import WITHIN

STRIDE = 10_007
M1, A1 = 2_147_483_563, 40_014
M2, A2 = 2_147_483_399, 40_692
SHIFT = 2**31

IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]


def stride(rows: int) -> int:
    return max(STRIDE, rows)


@dataclass(frozen=True)
class Summary:
    pairs: int
    time_within: int  # pairs whose event time lies within the window (the rest overlap it)
    place_within: int  # pairs whose point is in the zone's interior (the rest on its boundary)
    inside: int  # both: the pairs a report would call "inside"
    hash_sum: int
    hash_xor: int

    def as_json(self) -> dict[str, Any]:
        # JSON numbers lose precision past 2**53 in many readers; the sum is far larger.
        out: dict[str, Any] = asdict(self)
        out["hash_sum"] = str(self.hash_sum)
        out["hash_xor"] = str(self.hash_xor)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        fields = {**data, "hash_sum": int(data["hash_sum"]), "hash_xor": int(data["hash_xor"])}
        return cls(**fields)

    @property
    def possibly(self) -> int:
        return self.pairs - self.inside


def summarise(
    event: IntArray, row: IntArray, time: Int8Array, place: Int8Array, rows: int
) -> Summary:
    key = event.astype(np.int64) * stride(rows) + row.astype(np.int64)
    h1 = (key % M1) * A1 % M1
    h2 = (key % M2) * A2 % M2
    # Each half summed on its own stays far below 2**63 for any realistic pair count.
    total = int(h1.sum(dtype=np.int64)) * SHIFT + int(h2.sum(dtype=np.int64))
    xor = int(np.bitwise_xor.reduce(h1 * SHIFT + h2)) if len(key) else 0
    time_within, place_within = time == WITHIN, place == WITHIN
    return Summary(
        pairs=len(key),
        time_within=int(time_within.sum()),
        place_within=int(place_within.sum()),
        inside=int((time_within & place_within).sum()),
        hash_sum=total,
        hash_xor=xor,
    )


def sql_hash(event: str, row: str, rows: int) -> str:
    """The same ``h`` as a SQL expression over two BIGINT expressions (PostgreSQL, DuckDB)."""
    key = f"({event} * {stride(rows)} + {row})"
    return f"((({key} % {M1}) * {A1} % {M1}) * {SHIFT} + ({key} % {M2}) * {A2} % {M2})"


#: The select list giving a :class:`Summary`'s fields in order, over a subquery with columns
#: ``h`` (:func:`sql_hash`), ``tw`` (time within) and ``pw`` (place within).
SQL_SUMMARY = (
    "count(*), count(*) FILTER (WHERE tw), count(*) FILTER (WHERE pw), "
    "count(*) FILTER (WHERE tw AND pw), coalesce(sum(h), 0), coalesce(bit_xor(h), 0)"
)


def from_row(values: tuple[Any, ...]) -> Summary:
    return Summary(*(int(v) for v in values))


def sort_pairs(
    event: IntArray, row: IntArray, time: Int8Array, place: Int8Array
) -> tuple[IntArray, IntArray, Int8Array, Int8Array]:
    """The pairs by event then row, the order :class:`respite.compliance.frame.Pairs` uses."""
    order = np.lexsort((row, event))
    return event[order], row[order], time[order], place[order]
