"""Property tests for recurring windows.

Expansion is checked against a deliberately naive model that walks every local day from
``first_date`` and asks "does the rule select this day?", and against python-dateutil's rrule.
The zones include odd ones: Lord Howe moves its clocks by 30 minutes and Dublin's "daylight
saving" is a negative offset in winter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

from respite.schedule import IntervalSet, Occurrence, RecurrenceRule, RecurringWindow, utc_seconds
from respite.schedule.recurrence import WEEKDAY_CODES

DAY = 86400
ZONES = [
    "Asia/Gaza",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
]


# -- the model ----------------------------------------------------------------------------------


def selected(rule: RecurrenceRule, first: date, day: date) -> bool:
    """Does the rule (ignoring COUNT/UNTIL) produce ``day``? Straight from RFC 5545."""
    if day < first:
        return False
    weekdays = set(rule.weekdays) or (set(range(7)) if rule.freq == "DAILY" else {first.weekday()})
    if day.weekday() not in weekdays:
        return False
    if rule.freq == "DAILY":
        return (day - first).days % rule.interval == 0
    week = lambda d: d - timedelta(days=d.weekday())  # noqa: E731 - Monday of d's week
    return ((week(day) - week(first)).days // 7) % rule.interval == 0


def wall_to_utc(zone: str, day: date, wall: time) -> int:
    """RFC 5545 reading of a local wall time (fold=0), computed via ``timestamp()``."""
    return int(datetime.combine(day, wall).replace(tzinfo=ZoneInfo(zone), fold=0).timestamp())


def model_occurrences(w: RecurringWindow, last_day: date) -> list[tuple[date, int]]:
    """Every (local date, UTC start) of ``w`` up to ``last_day``, one day at a time."""
    out: list[tuple[date, int]] = []
    produced = 0
    day = w.first_date
    until = None if w.rule.until is None else utc_seconds(w.rule.until)
    while day <= last_day:
        if selected(w.rule, w.first_date, day):
            start = wall_to_utc(w.timezone, day, w.start_time)
            produced += 1
            if w.rule.count is not None and produced > w.rule.count:
                break
            if until is not None and start > until:
                break
            if day not in w.exdates:
                out.append((day, start))
        day += timedelta(days=1)
    return out


def overlapping(
    model: list[tuple[date, int]], w: RecurringWindow, lo: int, hi: int
) -> list[tuple[date, int]]:
    seconds = int(w.duration.total_seconds())
    # An empty range overlaps nothing, even an occurrence that surrounds it.
    return [(d, s) for d, s in model if lo < hi and s < hi and s + seconds > lo]


def pairs(occurrences: list[Occurrence]) -> list[tuple[date, int]]:
    return [(o.local_date, o.start) for o in occurrences]


# -- strategies ---------------------------------------------------------------------------------


def align(first: date, byday: tuple[str, ...]) -> date:
    """The first day on or after ``first`` that BYDAY selects (first_date must be selected)."""
    wanted = {WEEKDAY_CODES.index(c) for c in byday}
    while wanted and first.weekday() not in wanted:
        first += timedelta(days=1)
    return first


ANY_ZONE = st.sampled_from(ZONES)
ANY_TIME = st.builds(time, st.integers(0, 23), st.integers(0, 59), st.sampled_from([0, 30]))


@st.composite
def windows(
    draw: st.DrawFn,
    zones: st.SearchStrategy[str] = ANY_ZONE,
    times: st.SearchStrategy[time] = ANY_TIME,
    bounded: bool | None = None,
) -> RecurringWindow:
    zone = draw(zones)
    freq = draw(st.sampled_from(["DAILY", "WEEKLY"]))
    interval = draw(st.integers(1, 10) | st.integers(11, 30))
    byday = tuple(draw(st.lists(st.sampled_from(WEEKDAY_CODES), max_size=7, unique=True)))
    first = align(draw(st.dates(date(2015, 1, 1), date(2030, 12, 31))), byday)
    start_time = draw(times)
    duration = timedelta(
        seconds=draw(st.integers(60, 12 * 3600) | st.integers(1, 7 * DAY) | st.just(7 * DAY))
    )
    kinds = {None: ["open", "count", "until"], True: ["count", "until"], False: ["open"]}
    kind = draw(st.sampled_from(kinds[bounded]))
    count, until = None, None
    if kind == "count":
        count = draw(st.integers(1, 60))
    elif kind == "until":
        first_start = wall_to_utc(zone, first, start_time)
        until = datetime.fromtimestamp(first_start + draw(st.integers(0, 200 * DAY)), UTC)
    rule = RecurrenceRule(freq, interval, byday, count=count, until=until)
    plain = RecurringWindow(zone, first, start_time, duration, rule)
    # Exclude some of the first few real occurrence dates (never all of a bounded rule).
    candidates = [d for d, _ in model_occurrences(plain, first + timedelta(days=120))]
    keep_one = 1 if rule.count is not None or rule.until is not None else 0
    excluded = draw(
        st.lists(st.sampled_from(candidates), unique=True, max_size=max(0, len(candidates) - 1))
        if len(candidates) > keep_one
        else st.just([])
    )
    return replace(plain, exdates=frozenset(excluded))


def query_range(w: RecurringWindow, span_days: int = 400) -> st.SearchStrategy[tuple[int, int]]:
    """A range near the window: random, or with ends on (or one second off) occurrence edges."""
    origin = utc_seconds(datetime.combine(w.first_date, time(), UTC)) - 3 * DAY
    seconds = int(w.duration.total_seconds())
    model = model_occurrences(w, w.first_date + timedelta(days=span_days))
    edges = [t for _, s in model for t in (s, s + seconds)]
    random_instant = st.integers(origin, origin + span_days * DAY)
    instant = random_instant
    if edges:
        # Ends exactly on, or a second either side of, an occurrence's start or end are where
        # off-by-one and missed-neighbour bugs live.
        near_edge = st.tuples(st.sampled_from(edges), st.sampled_from([-1, 0, 1])).map(sum)
        inside = st.tuples(st.sampled_from([s for _, s in model]), st.integers(0, seconds)).map(sum)
        instant = random_instant | near_edge | inside
    return st.tuples(instant, instant).map(lambda p: (min(p), max(p)))


# -- properties ---------------------------------------------------------------------------------


@given(st.data())
def test_occurrences_match_the_day_by_day_model(data: st.DataObject) -> None:
    w = data.draw(windows())
    lo, hi = data.draw(query_range(w))
    last_day = datetime.fromtimestamp(hi, UTC).date() + timedelta(days=2)
    expected = overlapping(model_occurrences(w, last_day), w, lo, hi)
    assert pairs(w.occurrences(lo, hi)) == expected


@given(st.data())
@settings(max_examples=50)
def test_far_future_expansion_of_open_ended_rules(data: st.DataObject) -> None:
    # Open-ended rules jump straight to the query range; the model still walks every day.
    w = data.draw(windows(bounded=False))
    lo = utc_seconds(datetime.combine(w.first_date, time(), UTC)) + data.draw(
        st.integers(3 * 365 * DAY, 12 * 365 * DAY)
    )
    hi = lo + data.draw(st.integers(0, 40 * DAY))
    last_day = datetime.fromtimestamp(hi, UTC).date() + timedelta(days=2)
    expected = overlapping(model_occurrences(w, last_day), w, lo, hi)
    assert pairs(w.occurrences(lo, hi)) == expected


@given(st.data())
def test_each_occurrence_has_the_configured_duration_and_wall_clock(data: st.DataObject) -> None:
    w = data.draw(windows())
    lo, hi = data.draw(query_range(w))
    zone = ZoneInfo(w.timezone)
    for o in w.occurrences(lo, hi):
        assert o.end - o.start == int(w.duration.total_seconds())
        assert o.local_date not in w.exdates
        wall = datetime.combine(o.local_date, w.start_time)
        shown = o.start_local.replace(tzinfo=None)
        round_trip = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if round_trip.replace(tzinfo=None) == wall:
            # The wall time exists: the occurrence starts on it, at its first instant.
            assert shown == wall
            assert o.start_local.fold == 0
        else:
            # In a gap: read with the pre-gap offset, so the wall clock shows it later by
            # exactly the size of the jump.
            pre_gap = wall.replace(tzinfo=zone, fold=0).utcoffset()
            post_gap = o.start_local.utcoffset()
            assert pre_gap is not None
            assert post_gap is not None
            assert shown - wall == post_gap - pre_gap
            assert shown > wall


@given(st.data())
def test_splitting_the_range_changes_nothing(data: st.DataObject) -> None:
    w = data.draw(windows())
    lo, hi = data.draw(query_range(w))
    mid = data.draw(st.integers(lo, hi))
    whole = w.intervals(lo, hi)
    assert whole == w.intervals(lo, mid) | w.intervals(mid, hi)
    assert whole.clip(lo, mid) == w.intervals(lo, mid)
    for start, end in whole:
        assert lo <= start < end <= hi


@given(st.data())
def test_intervals_are_the_union_of_occurrences(data: st.DataObject) -> None:
    w = data.draw(windows())
    lo, hi = data.draw(query_range(w))
    occ = w.occurrences(lo, hi)
    got = w.intervals(lo, hi)
    assert got == IntervalSet.from_pairs([(o.start, o.end) for o in occ]).clip(lo, hi)
    assert got.is_empty == (not occ)


@given(windows(bounded=True))
def test_bounded_rules_respect_count_and_until(w: RecurringWindow) -> None:
    everything = w.occurrences(0, 2**40)
    assert everything
    assert w.first_start() == everything[0].start
    assert w.last_end() == everything[-1].end
    assert not w.is_open_ended
    assert all(o.local_date not in w.exdates for o in everything)
    if w.rule.count is not None:
        assert len(everything) == w.rule.count - len(w.exdates)
    else:
        assert w.rule.until is not None
        until = utc_seconds(w.rule.until)
        assert all(o.start <= until for o in everything)
        # The same window without UNTIL agrees on everything up to UNTIL and goes on after.
        twin = replace(w, rule=replace(w.rule, until=None))
        later = twin.occurrences(0, everything[-1].end + 30 * 7 * 10 * DAY)
        assert [o for o in later if o.start <= until] == everything
        assert any(o.start > until for o in later)


@given(windows(bounded=False))
def test_open_ended_rules_report_no_end(w: RecurringWindow) -> None:
    assert w.is_open_ended
    assert w.last_end() is None
    first = w.occurrences(w.first_start(), w.first_start() + 1)
    assert first[0].start == w.first_start()
    assert first[0].local_date not in w.exdates


# -- cross-check with python-dateutil ----------------------------------------------------------


@given(st.data())
def test_matches_dateutil_away_from_dst_edges(data: st.DataObject) -> None:
    # Gaza changes clocks between 00:00 and 03:00; starts from 04:00 to 21:59 never touch a
    # transition, so dateutil's naive local datetimes and our UTC seconds must agree.
    w = data.draw(
        windows(
            zones=st.just("Asia/Gaza"),
            times=st.builds(time, st.integers(4, 21), st.integers(0, 59)),
        )
    )
    until_local = None
    if w.rule.until is not None:
        # Put UNTIL 12 h after the local start time, far from any occurrence, so comparing
        # naive local times (dateutil) and UTC instants (us) cannot disagree over DST.
        local_day = w.rule.until.astimezone(ZoneInfo(w.timezone)).date()
        until_local = datetime.combine(local_day, w.start_time) + timedelta(hours=12)
        until = until_local.replace(tzinfo=ZoneInfo(w.timezone)).astimezone(UTC)
        # Moving UNTIL could strand an EXDATE past the end (an error), so drop them here.
        w = replace(w, rule=replace(w.rule, until=until), exdates=frozenset())
    reference = du.rrule(
        du.DAILY if w.rule.freq == "DAILY" else du.WEEKLY,
        dtstart=datetime.combine(w.first_date, w.start_time),
        interval=w.rule.interval,
        byweekday=list(w.rule.weekdays) or None,
        count=w.rule.count,
        until=until_local,
        wkst=du.MO,
    )
    rules = du.rruleset()
    rules.rrule(reference)
    for day in w.exdates:
        rules.exdate(datetime.combine(day, w.start_time))
    lo, hi = data.draw(query_range(w, span_days=300))
    horizon = datetime.fromtimestamp(hi, UTC).replace(tzinfo=None) + timedelta(days=2)
    seconds = int(w.duration.total_seconds())
    expected = []
    for local in rules.between(datetime.combine(w.first_date, time()), horizon, inc=True):
        start = wall_to_utc(w.timezone, local.date(), local.time())
        if lo < hi and start < hi and start + seconds > lo:
            expected.append((local.date(), start))
    assert pairs(w.occurrences(lo, hi)) == expected
