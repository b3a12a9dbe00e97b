"""Events-file columns (Arrow) to :class:`EventTable` arrays, with a problem per bad value.

Numbers and times are converted by Arrow kernels, a column at a time; only text columns
become Python objects, and the repetitive ones (type, precisions, location) share one object
per distinct value. A column of an unusable type raises :class:`InvalidInput` naming it; a bad
value flags its row, which is left out of the table and named in a :class:`Problem`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from respite.compliance.event_table import UNKNOWN_FATALITIES, EventTable, ObjectArray
from respite.errors import InvalidInput, Problem
from respite.events.record import GeoPrecision, TimePrecision

UNSPECIFIED_TYPE = "unspecified"

Bools = npt.NDArray[np.bool_]
_NANOS = pa.timestamp("ns", tz="UTC")
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_INTEGER = r"^[+-]?[0-9]+$"
_TIME_FORMS = "an ISO 8601 time with a UTC offset (e.g. 2024-09-02T10:00+03:00) or UTC seconds"


def table_from_arrow(
    data: pa.Table | pa.RecordBatch, *, first_row: int = 0, row_base: int = 0
) -> tuple[EventTable, tuple[Problem, ...]]:
    """Arrow columns (events-file schema) as an EventTable of the good rows, and the problems.

    A row's problem location is ``row[first_row + i + row_base]``.
    """
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    flags = _Flags(data.num_rows)
    names = set(data.column_names)
    get = data.column
    n = data.num_rows

    def labels(name: str, allowed: type[TimePrecision | GeoPrecision], default: str) -> Any:
        if name not in names:
            return _constant(default, n)
        col = _text(get(name), name)
        known = pc.is_in(col, value_set=pa.array([v.value for v in allowed]))
        choices = ", ".join(v.value for v in allowed)
        flags.flag(name, ~_true(known), f"must be one of {choices}", col)
        return _shared_objects(col)

    table = EventTable(
        key=_keys(get("key"), flags),
        lon=_floats(get("lon"), "lon", flags, lo=-180.0, hi=180.0),
        lat=_floats(get("lat"), "lat", flags, lo=-90.0, hi=90.0),
        t_lo=_times(get("t_lo"), "t_lo", flags, ceil=False),
        t_hi=_times(get("t_hi"), "t_hi", flags, ceil=True),
        radius_m=(
            _floats(get("radius_m"), "radius_m", flags, lo=0.0, hi=np.inf)
            if "radius_m" in names
            else np.zeros(n)
        ),
        event_type=_event_types(get, names, flags, n),
        fatalities=(
            _fatalities(get("fatalities"), flags)
            if "fatalities" in names
            else np.full(n, UNKNOWN_FATALITIES, dtype=np.int64)
        ),
        time_precision=labels("time_precision", TimePrecision, TimePrecision.SPAN.value),
        geo_precision=labels("geo_precision", GeoPrecision, GeoPrecision.EXACT.value),
        location=_locations(get("location")) if "location" in names else _constant(None, n),
    )
    both = ~flags.bad_column("t_lo") & ~flags.bad_column("t_hi")
    flags.flag("t_hi", both & (table.t_hi <= table.t_lo), "must be after t_lo", get("t_hi"))
    good = ~flags.bad
    problems = flags.problems(first_row + row_base)
    if good.all():
        return table, problems
    return table.take(np.flatnonzero(good).astype(np.int64)), problems


class _Flags:
    """Bad values found so far: (column, mask, message, values) with the union of the masks."""

    def __init__(self, n: int) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self._found: list[tuple[str, Bools, str, pa.ChunkedArray]] = []

    def flag(self, column: str, mask: Bools, message: str, values: pa.ChunkedArray) -> None:
        if mask.any():
            self._found.append((column, mask, message, values))
            self.bad |= mask

    def bad_column(self, column: str) -> Bools:
        out = np.zeros(len(self.bad), dtype=bool)
        for name, mask, _, _ in self._found:
            if name == column:
                out |= mask
        return out

    def problems(self, base: int) -> tuple[Problem, ...]:
        found = []
        for order, (column, mask, message, values) in enumerate(self._found):
            for i in np.flatnonzero(mask):
                value = values[int(i)].as_py()
                shown = "empty" if value is None or value == "" else repr(value)
                found.append((int(i), order, Problem(f"row[{base + i}].{column}", message), shown))
        found.sort(key=lambda item: item[:2])
        return tuple(Problem(p.location, f"{p.message}, got {shown}") for _, _, p, shown in found)


def _true(mask: pa.ChunkedArray | pa.Array) -> Bools:
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _text(col: pa.ChunkedArray, name: str) -> pa.ChunkedArray:
    """Text with surrounding blanks removed and empty text as null."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        raise InvalidInput(f"must be a text column, not {col.type}", location=f"events.{name}")
    trimmed = pc.utf8_trim_whitespace(col)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)


def _is_text(col: pa.ChunkedArray) -> bool:
    kind = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _cast(col: pa.ChunkedArray | pa.Array, to: pa.DataType) -> tuple[pa.Array, Bools]:
    """``col`` cast to ``to`` with the values that do not parse as null, and where they were."""
    array = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    try:
        return pc.cast(array, to), np.zeros(len(array), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(array) == 1:
            return pa.nulls(1, to), np.ones(1, dtype=bool)
    # Bad values are rare, so halving finds each in a few casts instead of one per value.
    half = len(array) // 2
    left, left_bad = _cast(array.slice(0, half), to)
    right, right_bad = _cast(array.slice(half), to)
    return pa.concat_arrays([left, right]), np.concatenate([left_bad, right_bad])


def _numbers(col: pa.ChunkedArray, name: str, to: pa.DataType, flags: _Flags) -> pa.Array:
    if _is_text(col):
        text = _text(col, name)
        values, bad = _cast(text, to)
        whole = pa.types.is_integer(to)
        flags.flag(name, bad, "is not a whole number" if whole else "is not a number", col)
        return values
    if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
        raise InvalidInput(f"must be numbers, not {col.type}", location=f"events.{name}")
    if pa.types.is_floating(col.type) and pa.types.is_integer(to):
        # pandas writes a whole-number column with gaps as floats with NaN for the gaps.
        col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
    values, bad = _cast(col, to)
    flags.flag(name, bad, "is not a whole number", col)
    return values


def _floats(col: pa.ChunkedArray, name: str, flags: _Flags, *, lo: float, hi: float) -> Any:
    values = _numbers(col, name, pa.float64(), flags)
    flags.flag(name, ~flags.bad_column(name) & ~_true(values.is_valid()), "is missing", col)
    out = values.fill_null(0.0).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        out_of_range = ~((out >= lo) & (out <= hi))
    bound = "must be finite and >= 0" if hi == np.inf else f"must be within {lo:g}..{hi:g}"
    flags.flag(name, out_of_range, bound, col)
    return out


def _times(col: pa.ChunkedArray, name: str, flags: _Flags, *, ceil: bool) -> Any:
    n = len(col)
    if _is_text(col):
        text = _text(col, name)
        whole = _true(pc.match_substring_regex(text, _INTEGER))
        seconds, bad_int = _cast(pc.if_else(whole, text, pa.scalar(None, text.type)), pa.int64())
        # Nanoseconds: the finest fraction ISO 8601 text carries here; years 1677-2262.
        parsed, bad = _cast(pc.if_else(whole, pa.scalar(None, text.type), text), _NANOS)
        flags.flag(name, bad_int | bad, f"must be {_TIME_FORMS}", col)
        ticks, per_second, present = parsed.cast(pa.int64()), 1_000_000_000, text
    elif pa.types.is_timestamp(col.type) and col.type.tz is not None:
        whole = np.zeros(n, dtype=bool)
        seconds = pa.nulls(n, pa.int64())
        ticks, present = col.cast(pa.int64()).combine_chunks(), col
        per_second = _PER_SECOND[col.type.unit]
    elif pa.types.is_integer(col.type):
        whole = np.ones(n, dtype=bool)
        seconds, present = col.cast(pa.int64()).combine_chunks(), col
        ticks, per_second = pa.nulls(n, pa.int64()), 1
    elif pa.types.is_timestamp(col.type):
        raise InvalidInput(
            "timestamps without a time zone are ambiguous; store them in UTC with tz=UTC",
            location=f"events.{name}",
        )
    else:
        raise InvalidInput(
            f"must be timestamps with a zone or integer UTC seconds, not {col.type}",
            location=f"events.{name}",
        )
    flags.flag(name, ~_true(present.is_valid()), "is missing", col)
    fine = ticks.fill_null(0).to_numpy()
    rounded = -(-fine // per_second) if ceil else fine // per_second
    return np.where(whole, seconds.fill_null(0).to_numpy(), rounded).astype(np.int64)


def _fatalities(col: pa.ChunkedArray, flags: _Flags) -> Any:
    values = _numbers(col, "fatalities", pa.int64(), flags)
    out = values.fill_null(UNKNOWN_FATALITIES).to_numpy(zero_copy_only=False)
    flags.flag("fatalities", _true(values.is_valid()) & (out < 0), "must be >= 0", col)
    return out.astype(np.int64)


def _keys(col: pa.ChunkedArray, flags: _Flags) -> ObjectArray:
    if pa.types.is_integer(col.type):
        col = col.cast(pa.string())
    text = _text(col, "key")
    flags.flag("key", ~_true(text.is_valid()), "is missing", col)
    out: ObjectArray = text.to_numpy(zero_copy_only=False)
    return out


def _event_types(get: Any, names: set[str], flags: _Flags, n: int) -> ObjectArray:
    if "event_type" not in names:
        return _constant(UNSPECIFIED_TYPE, n)
    text = _text(get("event_type"), "event_type")
    flags.flag("event_type", ~_true(text.is_valid()), "is missing", get("event_type"))
    return _shared_objects(text)


def _locations(col: pa.ChunkedArray) -> ObjectArray:
    return _shared_objects(_text(col, "location"))


def _shared_objects(text: pa.ChunkedArray) -> ObjectArray:
    """Objects for a repetitive text column: one Python str per distinct value (None = null)."""
    encoded = pc.dictionary_encode(text.combine_chunks())
    distinct = np.empty(len(encoded.dictionary) + 1, dtype=object)
    distinct[:-1] = encoded.dictionary.to_pylist()
    index = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy()
    out: ObjectArray = distinct[index]
    return out


def _constant(value: str | None, n: int) -> ObjectArray:
    out: ObjectArray = np.full(n, value, dtype=object)
    return out
