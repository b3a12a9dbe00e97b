"""Property tests: IntervalSet against a brute-force model (one boolean per second)."""

from __future__ import annotations

from random import Random

import numpy as np
import numpy.typing as npt
from hypothesis import given
from hypothesis import strategies as st

from respite.schedule import IntervalSet

# Every interval lives inside [0, SPAN); queries also probe a margin outside it.
SPAN = 64
PROBE = np.arange(-8, SPAN + 8)
Mask = npt.NDArray[np.bool_]

raw_pairs = st.lists(
    st.tuples(st.integers(0, SPAN - 1), st.integers(0, 16)).map(
        lambda p: (p[0], min(SPAN, p[0] + p[1]))
    ),
    max_size=12,
)
interval_sets = raw_pairs.map(IntervalSet.from_pairs)
bounds = st.tuples(st.integers(-4, SPAN + 4), st.integers(-4, SPAN + 4)).map(sorted)


def model(pairs: list[tuple[int, int]]) -> Mask:
    """Seconds of [0, SPAN) covered by any of the (possibly overlapping) pairs."""
    mask = np.zeros(SPAN, dtype=bool)
    for start, end in pairs:
        mask[start:end] = True
    return mask


def mask_of(s: IntervalSet) -> Mask:
    """Which seconds of [0, SPAN) the set covers, read one interval at a time."""
    mask = np.zeros(SPAN, dtype=bool)
    for start, end in s:
        assert 0 <= start < end <= SPAN
        mask[start:end] = True
    return mask


def window(lo: int, hi: int) -> Mask:
    mask = np.zeros(SPAN, dtype=bool)
    mask[max(lo, 0) : max(min(hi, SPAN), 0)] = True
    return mask


def assert_normalised(s: IntervalSet) -> None:
    starts, ends = s.starts, s.ends
    assert starts.dtype == np.int64
    assert ends.dtype == np.int64
    assert starts.shape == ends.shape
    assert np.all(starts < ends), "empty interval kept"
    # Strict inequality: sorted, disjoint and not touching.
    assert np.all(ends[:-1] < starts[1:]), "overlapping or touching intervals not merged"


@given(raw_pairs)
def test_construction_keeps_exact_coverage_and_normalises(pairs: list[tuple[int, int]]) -> None:
    s = IntervalSet.from_pairs(pairs)
    assert_normalised(s)
    assert np.array_equal(mask_of(s), model(pairs))
    assert s.total_seconds() == int(model(pairs).sum())
    assert s.is_empty == (not model(pairs).any())


@given(raw_pairs, st.randoms(use_true_random=False))
def test_order_of_input_does_not_matter(pairs: list[tuple[int, int]], rnd: Random) -> None:
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert IntervalSet.from_pairs(shuffled) == IntervalSet.from_pairs(pairs)


@given(raw_pairs, raw_pairs)
def test_equal_coverage_means_equal_sets(
    p: list[tuple[int, int]], q: list[tuple[int, int]]
) -> None:
    a, b = IntervalSet.from_pairs(p), IntervalSet.from_pairs(q)
    same = bool(np.array_equal(model(p), model(q)))
    assert (a == b) == same
    if same:
        assert hash(a) == hash(b)


@given(interval_sets, interval_sets)
def test_binary_operations_match_the_model(a: IntervalSet, b: IntervalSet) -> None:
    ma, mb = mask_of(a), mask_of(b)
    for result, expected in [
        (a | b, ma | mb),
        (a & b, ma & mb),
        (a - b, ma & ~mb),
        (b - a, mb & ~ma),
    ]:
        assert_normalised(result)
        assert np.array_equal(mask_of(result), expected)


@given(interval_sets, bounds)
def test_complement_and_clip_match_the_model(a: IntervalSet, lohi: list[int]) -> None:
    lo, hi = lohi
    inside = np.zeros(SPAN + 16, dtype=bool)  # the complement may reach outside [0, SPAN)
    comp = a.complement(lo, hi)
    assert_normalised(comp)
    for start, end in comp:
        assert lo <= start < end <= hi
        inside[start + 8 : end + 8] = True
    probe_in_range = (lo <= PROBE) & (hi > PROBE)
    assert np.array_equal(inside[: PROBE.size], probe_in_range & ~a.contains_many(PROBE))
    clipped = a.clip(lo, hi)
    assert_normalised(clipped)
    assert np.array_equal(mask_of(clipped), mask_of(a) & window(lo, hi))


@given(interval_sets)
def test_point_queries_match_the_model(a: IntervalSet) -> None:
    full = np.zeros(PROBE.size, dtype=bool)
    full[8 : 8 + SPAN] = mask_of(a)
    got = a.contains_many(PROBE)
    assert got.dtype == np.bool_
    assert np.array_equal(got, full)
    for t, covered in zip(PROBE.tolist(), full.tolist(), strict=True):
        assert a.contains(t) == covered
        interval = a.covering(t)
        assert (interval is not None) == covered
        if interval is not None:
            start, end = interval
            assert start <= t < end
            # The interval is maximal: the seconds just outside it are not covered.
            assert not full[start - 1 + 8]
            assert not full[end + 8]
        following = a.next_start_after(t)
        expected = [(s, e) for s, e in a if s > t]
        assert following == (expected[0] if expected else None)


@given(interval_sets)
def test_contains_many_keeps_shape(a: IntervalSet) -> None:
    grid = PROBE.reshape(2, -1)
    assert a.contains_many(grid).shape == grid.shape
    assert np.array_equal(a.contains_many(grid).ravel(), a.contains_many(PROBE))


@given(interval_sets, bounds)
def test_coverage_matches_the_model(a: IntervalSet, lohi: list[int]) -> None:
    lo, hi = lohi
    if lo == hi:
        return
    covered = int(np.count_nonzero(a.contains_many(np.arange(lo, hi))))
    assert a.coverage(lo, hi) == covered / (hi - lo)
    assert 0.0 <= a.coverage(lo, hi) <= 1.0


@given(interval_sets, st.integers(-(10**12), 10**12))
def test_shift_moves_every_second(a: IntervalSet, delta: int) -> None:
    moved = a.shift(delta)
    assert_normalised(moved)
    assert [(s - delta, e - delta) for s, e in moved] == list(a)
    assert moved.shift(-delta) == a


@given(interval_sets, interval_sets, interval_sets)
def test_algebraic_laws(a: IntervalSet, b: IntervalSet, c: IntervalSet) -> None:
    assert a | b == b | a
    assert a & b == b & a
    assert (a | b) | c == a | (b | c)
    assert (a & b) & c == a & (b & c)
    assert a & (b | c) == (a & b) | (a & c)
    assert a | (b & c) == (a | b) & (a | c)
    assert a - (b | c) == (a - b) & (a - c)
    assert (a | b) - b == a - b
    assert a | (a & b) == a  # absorption
    assert a & (a | b) == a


@given(interval_sets, interval_sets, bounds)
def test_de_morgan_within_a_range(a: IntervalSet, b: IntervalSet, lohi: list[int]) -> None:
    lo, hi = lohi
    assert (a | b).complement(lo, hi) == a.complement(lo, hi) & b.complement(lo, hi)
    assert (a & b).complement(lo, hi) == a.complement(lo, hi) | b.complement(lo, hi)
    assert a.complement(lo, hi).complement(lo, hi) == a.clip(lo, hi)
    assert a.complement(lo, hi) | a.clip(lo, hi) == IntervalSet.from_pairs([(lo, hi)])


@given(interval_sets, interval_sets)
def test_idempotence_and_identities(a: IntervalSet, b: IntervalSet) -> None:
    empty = IntervalSet.empty()
    assert a | a == a
    assert a & a == a
    assert (a - a).is_empty
    assert a | empty == a
    assert (a & empty).is_empty
    assert a - empty == a
    assert (a - b) & b == empty
    assert (a - b) | (a & b) == a
    assert IntervalSet(a.starts, a.ends) == a  # rebuilding a normalised set changes nothing


@given(interval_sets, interval_sets)
def test_sizes_add_up(a: IntervalSet, b: IntervalSet) -> None:
    total = (a | b).total_seconds() + (a & b).total_seconds()
    assert total == a.total_seconds() + b.total_seconds()
