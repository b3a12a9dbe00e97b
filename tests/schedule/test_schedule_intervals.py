"""Unit tests for IntervalSet and the UTC-seconds helpers."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from respite.errors import InvalidInput, ScheduleError
from respite.schedule import IntervalSet, from_utc_seconds, utc_seconds

GAZA = ZoneInfo("Asia/Gaza")


def pairs(s: IntervalSet) -> list[tuple[int, int]]:
    return list(s)


# -- construction and normalisation ---------------------------------------------------------


def test_normalises_unsorted_overlapping_touching_and_empty() -> None:
    s = IntervalSet([30, 0, 5, 12, 50, 40], [40, 10, 12, 12, 50, 45])
    # [0,10)+[5,12) overlap, [30,40)+[40,45) touch, [12,12) and [50,50) are empty.
    assert pairs(s) == [(0, 12), (30, 45)]
    assert s.starts.dtype == np.int64
    assert s.ends.dtype == np.int64


def test_nested_intervals_merge_into_the_outer_one() -> None:
    assert pairs(IntervalSet([0, 2, 3], [100, 5, 4])) == [(0, 100)]


def test_later_short_interval_does_not_shrink_an_earlier_long_one() -> None:
    # The run's end must be the maximum end seen, not the last one.
    assert pairs(IntervalSet([0, 1, 50], [40, 2, 60])) == [(0, 40), (50, 60)]


def test_start_after_end_names_every_bad_index() -> None:
    with pytest.raises(ScheduleError) as info:
        IntervalSet([0, 10, 30], [5, 3, 20])
    locations = [p.location for p in info.value.problems]
    assert locations == ["[1]", "[2]"]
    assert "start 10 is after end 3" in str(info.value)


def test_schedule_error_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        IntervalSet([1], [0])


@pytest.mark.parametrize(
    ("starts", "ends", "location"),
    [
        ([0.5], [1.0], "starts"),
        ([[0]], [[1]], "starts"),
        ([0, 1], [2], "ends"),
        ([0], ["x"], "ends"),
    ],
)
def test_bad_arrays_are_rejected(starts: object, ends: object, location: str) -> None:
    with pytest.raises(ScheduleError) as info:
        IntervalSet(starts, ends)  # type: ignore[arg-type]
    assert info.value.problems[0].location == location


def test_empty_constructors() -> None:
    assert IntervalSet.empty().is_empty
    assert IntervalSet([], []).is_empty
    assert IntervalSet.from_pairs([]) == IntervalSet.empty()
    assert len(IntervalSet.empty()) == 0
    assert IntervalSet.empty().total_seconds() == 0


def test_from_pairs_accepts_numpy_ints_and_rejects_other_things() -> None:
    s = IntervalSet.from_pairs([(np.int64(3), np.int32(9))])
    assert pairs(s) == [(3, 9)]
    with pytest.raises(ScheduleError) as info:
        IntervalSet.from_pairs([(0, 1.5), (True, 4), (1,)])  # type: ignore[list-item]
    assert [p.location for p in info.value.problems] == ["[0].end", "[1].start", "[2]"]


def test_from_pairs_rejects_values_beyond_int64() -> None:
    with pytest.raises(ScheduleError, match="int64"):
        IntervalSet.from_pairs([(0, 2**70)])


def test_from_datetimes_converts_any_zone_to_utc() -> None:
    s = IntervalSet.from_datetimes(
        [(datetime(2024, 4, 19, 10, tzinfo=GAZA), datetime(2024, 4, 19, 14, tzinfo=GAZA))]
    )
    start = datetime(2024, 4, 19, 8, tzinfo=UTC)
    assert pairs(s) == [(utc_seconds(start), utc_seconds(start) + 4 * 3600)]


def test_from_datetimes_rejects_naive_and_names_the_field() -> None:
    aware = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ScheduleError) as info:
        IntervalSet.from_datetimes(
            [(aware, aware + timedelta(hours=1)), (aware, datetime(2024, 1, 2))]
        )
    assert [p.location for p in info.value.problems] == ["[1].end"]
    assert "naive" in info.value.problems[0].message
    with pytest.raises(ScheduleError) as info:
        IntervalSet.from_datetimes([(aware,), (datetime(2024, 1, 1), aware)])  # type: ignore[list-item]
    assert [p.location for p in info.value.problems] == ["[0]", "[1].start"]


def test_is_immutable() -> None:
    s = IntervalSet([0], [10])
    with pytest.raises(ValueError, match="read-only"):
        s.starts[0] = 5
    with pytest.raises(AttributeError):
        s._starts = np.array([1])  # type: ignore[misc]
    assert pairs(s) == [(0, 10)]


def test_input_arrays_are_copied() -> None:
    starts = np.array([0, 20], dtype=np.int64)
    s = IntervalSet(starts, np.array([10, 30]))
    starts[0] = 5
    assert pairs(s) == [(0, 10), (20, 30)]


def test_equality_hash_repr_and_pickle() -> None:
    a = IntervalSet([0, 10], [10, 20])
    b = IntervalSet.from_pairs([(0, 20)])
    assert a == b
    assert hash(a) == hash(b)
    assert a != IntervalSet([0], [21])
    assert a != "x"
    assert repr(a) == "IntervalSet.from_pairs([(0, 20)])"
    assert eval(repr(a)) == a
    long = IntervalSet.from_pairs([(i * 10, i * 10 + 1) for i in range(20)])
    assert "20 intervals" in repr(long)
    assert pickle.loads(pickle.dumps(long)) == long


def test_iteration_yields_python_ints() -> None:
    (start, end), *_ = IntervalSet([1], [2])
    assert type(start) is int
    assert type(end) is int


# -- algebra --------------------------------------------------------------------------------


A = IntervalSet.from_pairs([(0, 10), (20, 30), (40, 50)])
B = IntervalSet.from_pairs([(5, 25), (30, 40), (60, 70)])


def test_union() -> None:
    assert pairs(A | B) == [(0, 50), (60, 70)]
    assert A.union(B) == A | B


def test_intersection() -> None:
    assert pairs(A & B) == [(5, 10), (20, 25)]
    assert A.intersection(B) == A & B


def test_difference() -> None:
    assert pairs(A - B) == [(0, 5), (25, 30), (40, 50)]
    assert pairs(B - A) == [(10, 20), (30, 40), (60, 70)]
    assert A.difference(B) == A - B


def test_operators_reject_other_types() -> None:
    with pytest.raises(TypeError):
        _ = A | [(0, 1)]  # type: ignore[operator]


def test_complement() -> None:
    assert pairs(A.complement(-5, 45)) == [(-5, 0), (10, 20), (30, 40)]
    assert A.complement(3, 3).is_empty
    assert pairs(IntervalSet.empty().complement(0, 7)) == [(0, 7)]


def test_clip_and_shift() -> None:
    assert pairs(A.clip(5, 45)) == [(5, 10), (20, 30), (40, 45)]
    assert pairs(A.clip(10, 20)) == []
    assert pairs(A.shift(-10)) == [(-10, 0), (10, 20), (30, 40)]


def test_reversed_range_is_an_error_naming_hi() -> None:
    with pytest.raises(ScheduleError) as info:
        A.clip(10, 5)
    assert info.value.problems[0].location == "hi"
    with pytest.raises(ScheduleError):
        A.complement(1, 0)


# -- queries --------------------------------------------------------------------------------


def test_contains_is_half_open() -> None:
    assert A.contains(0)
    assert A.contains(9)
    assert not A.contains(10)
    assert not A.contains(-1)
    assert not IntervalSet.empty().contains(0)


def test_contains_many_matches_contains() -> None:
    ts = np.arange(-5, 75)
    got = A.contains_many(ts)
    assert got.dtype == np.bool_
    assert got.tolist() == [A.contains(int(t)) for t in ts]
    assert IntervalSet.empty().contains_many(ts).sum() == 0


def test_contains_many_rejects_floats() -> None:
    with pytest.raises(ScheduleError):
        A.contains_many(np.array([1.5]))


def test_covering() -> None:
    assert A.covering(20) == (20, 30)
    assert A.covering(29) == (20, 30)
    assert A.covering(30) is None
    assert A.covering(-1) is None


def test_next_start_after_is_strict() -> None:
    assert A.next_start_after(-100) == (0, 10)
    assert A.next_start_after(0) == (20, 30)
    assert A.next_start_after(25) == (40, 50)
    assert A.next_start_after(40) is None


def test_total_and_coverage() -> None:
    assert A.total_seconds() == 30
    assert A.coverage(0, 50) == pytest.approx(0.6)
    assert A.coverage(10, 20) == 0.0
    assert A.coverage(20, 30) == 1.0
    with pytest.raises(ScheduleError, match="empty range"):
        A.coverage(5, 5)


def test_to_datetimes() -> None:
    s = IntervalSet.from_pairs([(1713571200, 1713574800)])
    assert s.to_datetimes() == [
        (datetime(2024, 4, 20, tzinfo=UTC), datetime(2024, 4, 20, 1, tzinfo=UTC))
    ]


# -- seconds helpers ------------------------------------------------------------------------


def test_utc_seconds_across_the_gaza_spring_transition() -> None:
    # Clocks jumped 02:00 -> 03:00 local at 2024-04-20 00:00 UTC.
    before = datetime(2024, 4, 20, 1, 59, 59, tzinfo=GAZA)
    after = datetime(2024, 4, 20, 3, 0, tzinfo=GAZA)
    assert utc_seconds(after) - utc_seconds(before) == 1
    assert utc_seconds(after) == 1713571200


def test_utc_seconds_floors_sub_seconds_and_round_trips() -> None:
    dt = datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC)
    assert utc_seconds(dt) == -1
    assert from_utc_seconds(1713571200) == datetime(2024, 4, 20, tzinfo=UTC)
    assert from_utc_seconds(np.int64(0)).tzinfo is UTC


def test_utc_seconds_rejects_naive() -> None:
    with pytest.raises(ScheduleError, match="naive"):
        utc_seconds(datetime(2024, 1, 1))
