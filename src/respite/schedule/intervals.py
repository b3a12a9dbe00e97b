"""Sets of half-open UTC time intervals, held as sorted numpy arrays.

Time in Respite is an integer count of seconds since the Unix epoch, in UTC. Integers (not
datetimes) keep comparisons exact and let whole schedules be processed with numpy; the
helpers :func:`utc_seconds` and :func:`from_utc_seconds` convert at the edges.

An :class:`IntervalSet` is *normalised* when it is built: intervals are sorted, empty ones are
dropped and overlapping or touching ones are merged, so ``[0, 10)`` and ``[10, 20)`` become
``[0, 20)``. Two sets covering the same seconds are therefore always equal, which is what makes
``==`` and hashing meaningful.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NoReturn

import numpy as np
import numpy.typing as npt

from respite.errors import Problem, ScheduleError

from ._checks import as_int, as_int64_array, check_range

__all__ = ["IntervalSet", "from_utc_seconds", "utc_seconds"]

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND: Final = timedelta(seconds=1)
_REPR_LIMIT: Final = 6


def utc_seconds(dt: datetime) -> int:
    """Whole seconds since the Unix epoch for an aware datetime (sub-seconds are floored).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> utc_seconds(datetime(2024, 4, 20, tzinfo=timezone.utc))
    1713571200
    """
    if not isinstance(dt, datetime):
        raise ScheduleError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ScheduleError(f"{dt.isoformat()} is a naive datetime; give a time zone")
    return (dt - _EPOCH) // _ONE_SECOND


def from_utc_seconds(s: int) -> datetime:
    """The aware UTC datetime for ``s`` seconds since the Unix epoch.

    Examples
    --------
    >>> from_utc_seconds(1713571200).isoformat()
    '2024-04-20T00:00:00+00:00'
    """
    return datetime.fromtimestamp(int(s), UTC)


def _frozen(arr: Int64Array) -> Int64Array:
    arr.flags.writeable = False
    return arr


def _normalise(starts: Int64Array, ends: Int64Array) -> tuple[Int64Array, Int64Array]:
    keep = starts < ends
    starts, ends = starts[keep], ends[keep]
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    # reach[i] is the furthest end among the first i+1 intervals; a run of merged intervals
    # ends where the next start lies strictly beyond it (equality means touching: merge).
    reach: Int64Array = np.maximum.accumulate(ends)
    new_run = np.empty(starts.size, dtype=np.bool_)
    new_run[0] = True
    new_run[1:] = starts[1:] > reach[:-1]
    first = np.flatnonzero(new_run)
    last = np.append(first[1:] - 1, starts.size - 1)
    return starts[first], reach[last]


class IntervalSet:
    """An immutable set of half-open UTC intervals ``[start, end)`` in integer seconds.

    Parameters
    ----------
    starts, ends
        Equal-length 1-D integer arrays. Pairs with ``start == end`` are dropped; ``start > end``
        is an error. The result is sorted with overlapping and touching intervals merged.

    Raises
    ------
    ScheduleError
        If the arrays are not 1-D integer arrays of equal length, or any start is after its end
        (every such index is reported).

    Examples
    --------
    >>> s = IntervalSet([20, 0, 5], [30, 10, 12])
    >>> list(s)
    [(0, 12), (20, 30)]
    >>> (s - IntervalSet.from_pairs([(8, 25)])).total_seconds()
    13
    >>> s.contains(12), s.covering(25)
    (False, (20, 30))
    """

    __slots__ = ("__weakref__", "_ends", "_hash", "_starts")

    _starts: Int64Array
    _ends: Int64Array
    _hash: int | None

    def __init__(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> None:
        s = as_int64_array(starts, "starts")
        e = as_int64_array(ends, "ends")
        if s.shape != e.shape:
            raise ScheduleError(
                [Problem("ends", f"{e.size} ends for {s.size} starts; they must pair up")]
            )
        bad = np.flatnonzero(s > e)
        if bad.size:
            raise ScheduleError(
                [Problem(f"[{i}]", f"start {s[i]} is after end {e[i]}") for i in bad.tolist()]
            )
        self._set(*_normalise(s, e))

    def _set(self, starts: Int64Array, ends: Int64Array) -> None:
        object.__setattr__(self, "_starts", _frozen(starts))
        object.__setattr__(self, "_ends", _frozen(ends))
        object.__setattr__(self, "_hash", None)

    @classmethod
    def _trusted(cls, starts: Int64Array, ends: Int64Array) -> IntervalSet:
        # For arrays already known to be normalised: skips validation and sorting.
        obj = cls.__new__(cls)
        obj._set(starts, ends)
        return obj

    @classmethod
    def empty(cls) -> IntervalSet:
        """The set covering no time at all."""
        return cls._trusted(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, int]]) -> IntervalSet:
        """Build from ``(start, end)`` integer pairs, e.g. ``[(0, 10), (20, 30)]``."""
        starts: list[int] = []
        ends: list[int] = []
        problems: list[Problem] = []
        for i, pair in enumerate(pairs):
            try:
                start, end = pair
                starts.append(as_int(start, f"[{i}].start"))
                ends.append(as_int(end, f"[{i}].end"))
            except ScheduleError as exc:
                problems.extend(exc.problems)
            except (TypeError, ValueError):
                problems.append(Problem(f"[{i}]", "expected a (start, end) pair"))
        if problems:
            raise ScheduleError(problems)
        try:
            return cls(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
        except OverflowError:
            raise ScheduleError("a value does not fit in int64 seconds") from None

    @classmethod
    def from_datetimes(cls, pairs: Iterable[tuple[datetime, datetime]]) -> IntervalSet:
        """Build from ``(start, end)`` pairs of aware datetimes; naive ones are rejected."""
        seconds: list[tuple[int, int]] = []
        problems: list[Problem] = []
        for i, pair in enumerate(pairs):
            try:
                start, end = pair
            except (TypeError, ValueError):
                problems.append(Problem(f"[{i}]", "expected a (start, end) pair"))
                continue
            converted: list[int] = []
            for name, dt in (("start", start), ("end", end)):
                try:
                    converted.append(utc_seconds(dt))
                except ScheduleError as exc:
                    problems.extend(exc.prefixed(f"[{i}].{name}").problems)
            if len(converted) == 2:
                seconds.append((converted[0], converted[1]))
        if problems:
            raise ScheduleError(problems)
        return cls.from_pairs(seconds)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"IntervalSet is immutable; cannot set {name!r}")

    def __reduce__(self) -> tuple[type[IntervalSet], tuple[Int64Array, Int64Array]]:
        return (IntervalSet, (self._starts, self._ends))

    @property
    def starts(self) -> Int64Array:
        """Sorted interval starts (read-only int64 array)."""
        return self._starts

    @property
    def ends(self) -> Int64Array:
        """Interval ends, aligned with :attr:`starts` (read-only int64 array)."""
        return self._ends

    @property
    def is_empty(self) -> bool:
        """True when the set covers no time."""
        return self._starts.size == 0

    def __len__(self) -> int:
        return int(self._starts.size)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._starts.tolist(), self._ends.tolist(), strict=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IntervalSet):
            return NotImplemented
        return bool(
            np.array_equal(self._starts, other._starts) and np.array_equal(self._ends, other._ends)
        )

    def __hash__(self) -> int:
        if self._hash is None:
            h = hash((self._starts.tobytes(), self._ends.tobytes()))
            object.__setattr__(self, "_hash", h)
            return h
        return self._hash

    def __repr__(self) -> str:
        pairs = list(self)
        if len(pairs) <= _REPR_LIMIT:
            return f"IntervalSet.from_pairs({pairs!r})"
        head = ", ".join(repr(p) for p in pairs[:3])
        tail = ", ".join(repr(p) for p in pairs[-2:])
        return f"<IntervalSet of {len(pairs)} intervals: [{head}, ..., {tail}]>"

    # -- set algebra --------------------------------------------------------------------------

    def union(self, other: IntervalSet) -> IntervalSet:
        """Time covered by either set."""
        return IntervalSet._trusted(
            *_normalise(
                np.concatenate((self._starts, other._starts)),
                np.concatenate((self._ends, other._ends)),
            )
        )

    def intersection(self, other: IntervalSet) -> IntervalSet:
        """Time covered by both sets."""
        return self._combine(other, np.logical_and)

    def difference(self, other: IntervalSet) -> IntervalSet:
        """Time covered by this set but not by ``other``."""
        return self._combine(other, lambda a, b: a & ~b)

    def __or__(self, other: object) -> IntervalSet:
        return self.union(other) if isinstance(other, IntervalSet) else NotImplemented

    def __and__(self, other: object) -> IntervalSet:
        return self.intersection(other) if isinstance(other, IntervalSet) else NotImplemented

    def __sub__(self, other: object) -> IntervalSet:
        return self.difference(other) if isinstance(other, IntervalSet) else NotImplemented

    def _combine(
        self, other: IntervalSet, op: Callable[[BoolArray, BoolArray], Any]
    ) -> IntervalSet:
        # Membership in either set can only change at a boundary of one of them, so evaluating
        # both sets at every boundary decides each elementary piece [b[k], b[k+1]) at once.
        # Four already-sorted runs: a stable (merge-based) sort joins them in near-linear time.
        runs = np.concatenate((self._starts, self._ends, other._starts, other._ends))
        bounds = np.sort(runs, kind="stable")
        # Deduplicate by hand: np.union1d/np.unique are several times slower on int64 here.
        if bounds.size:
            bounds = bounds[np.concatenate(([True], bounds[1:] != bounds[:-1]))]
        if bounds.size < 2:
            return IntervalSet.empty()
        inside: BoolArray = np.asarray(
            op(self.contains_many(bounds), other.contains_many(bounds)), dtype=np.bool_
        )[:-1]
        before = np.concatenate(([False], inside[:-1]))
        after = np.concatenate((inside[1:], [False]))
        starts = bounds[:-1][inside & ~before]
        ends = bounds[1:][inside & ~after]
        return IntervalSet._trusted(starts.astype(np.int64), ends.astype(np.int64))

    def complement(self, lo: int, hi: int) -> IntervalSet:
        """Time in ``[lo, hi)`` that this set does not cover."""
        lo, hi = check_range(lo, hi)
        whole = IntervalSet._trusted(np.array([lo], dtype=np.int64), np.array([hi], np.int64))
        return whole.difference(self) if hi > lo else IntervalSet.empty()

    def clip(self, lo: int, hi: int) -> IntervalSet:
        """The part of this set inside ``[lo, hi)``."""
        lo, hi = check_range(lo, hi)
        # Clipping keeps order and cannot make two separate intervals touch, so the result
        # only needs its emptied intervals removed.
        starts = np.clip(self._starts, lo, hi)
        ends = np.clip(self._ends, lo, hi)
        keep = starts < ends
        return IntervalSet._trusted(starts[keep], ends[keep])

    def shift(self, seconds: int) -> IntervalSet:
        """The same set moved later by ``seconds`` (earlier if negative)."""
        delta = as_int(seconds, "seconds")
        return IntervalSet._trusted(self._starts + delta, self._ends + delta)

    # -- queries ------------------------------------------------------------------------------

    def contains_many(self, ts: npt.ArrayLike) -> BoolArray:
        """Vectorised :meth:`contains`: a boolean array, one entry per time in ``ts``.

        Examples
        --------
        >>> IntervalSet([0], [10]).contains_many(np.array([-1, 0, 9, 10])).tolist()
        [False, True, True, False]
        """
        times = np.asarray(ts)
        if times.size and times.dtype.kind not in "iu":
            raise ScheduleError([Problem("ts", f"expected integer seconds, got {times.dtype}")])
        if self._starts.size == 0:
            return np.zeros(times.shape, dtype=np.bool_)
        idx = np.searchsorted(self._starts, times, side="right") - 1
        ok = idx >= 0
        safe = np.where(ok, idx, 0)
        result: BoolArray = ok & (times < self._ends[safe])
        return result

    def _index_at(self, t: int) -> int | None:
        i = int(np.searchsorted(self._starts, t, side="right")) - 1
        if i >= 0 and t < int(self._ends[i]):
            return i
        return None

    def contains(self, t: int) -> bool:
        """True when second ``t`` lies inside an interval (``start <= t < end``)."""
        return self._index_at(as_int(t, "t")) is not None

    def covering(self, t: int) -> tuple[int, int] | None:
        """The ``(start, end)`` interval containing ``t``, or None."""
        i = self._index_at(as_int(t, "t"))
        return None if i is None else (int(self._starts[i]), int(self._ends[i]))

    def next_start_after(self, t: int) -> tuple[int, int] | None:
        """The first interval whose start is strictly after ``t``, or None."""
        i = int(np.searchsorted(self._starts, as_int(t, "t"), side="right"))
        if i >= self._starts.size:
            return None
        return int(self._starts[i]), int(self._ends[i])

    def total_seconds(self) -> int:
        """Total covered time in seconds."""
        return int(np.sum(self._ends - self._starts))

    def coverage(self, lo: int, hi: int) -> float:
        """Fraction of ``[lo, hi)`` covered, between 0.0 and 1.0.

        Examples
        --------
        >>> IntervalSet([0], [25]).coverage(0, 100)
        0.25
        """
        lo, hi = check_range(lo, hi)
        if lo == hi:
            raise ScheduleError([Problem("hi", "coverage of an empty range is undefined")])
        return self.clip(lo, hi).total_seconds() / (hi - lo)

    def to_datetimes(self) -> list[tuple[datetime, datetime]]:
        """The intervals as pairs of aware UTC datetimes."""
        return [(from_utc_seconds(s), from_utc_seconds(e)) for s, e in self]
