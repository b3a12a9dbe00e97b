"""The join's output arrays, written by the worker threads themselves, in chunk order.

Millions of pairs make arrays of hundreds of megabytes, and touching fresh memory is a real
cost; letting each worker widen and copy its own chunk spreads that cost over the threads,
and no chunk is held longer than it takes its predecessors to claim their places. A chunk
claims its place in turn (offsets are a running sum, so chunk i must follow chunk i - 1),
then writes without the lock. The arrays are sized from the pair rate seen so far, with room
to spare: pages never written are never touched, so spare room costs address space, not
memory; running out costs one copy, made once every claimed write has landed.
"""

from __future__ import annotations

import threading

import numpy as np

from respite.compliance.frame import Int8Array, Int64Array, Pairs
from respite.compliance.join.probe import Found

_Arrays = tuple[Int64Array, Int64Array, Int8Array, Int8Array]


class Abandoned(RuntimeError):
    """Another chunk of the join failed first; its error is the one to report."""


class Output:
    """Where the chunks of one join of ``n`` events put their pairs."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._turn = 0  # the next chunk to claim its place
        self._at = 0  # pairs claimed so far
        self._writing = 0  # claimed writes not yet landed
        self._arrays: _Arrays | None = None
        self._failed = False
        self._ready = threading.Condition()

    def fail(self) -> None:
        """A chunk could not be made: no later chunk will get its turn, so stop waiting."""
        with self._ready:
            self._failed = True
            self._ready.notify_all()

    def put(self, chunk: int, found: Found) -> None:
        """Claim chunk ``chunk``'s place after chunk ``chunk - 1`` and write its pairs."""
        m = len(found.event)
        with self._ready:
            self._ready.wait_for(lambda: self._turn == chunk or self._failed)
            if self._failed:
                raise Abandoned("another chunk of this join failed")
            at = self._at
            if self._arrays is None or at + m > len(self._arrays[0]):
                self._ready.wait_for(lambda: self._writing == 0)
                rate = (at + m) / (found.offset + found.events)
                self._grow(max(int(rate * self._n * 1.25) + 1024, 2 * (at + m)))
            arrays = self._arrays
            assert arrays is not None
            self._at = at + m
            self._turn += 1
            self._writing += 1
            self._ready.notify_all()
        try:
            event, row, time, place = arrays
            part = slice(at, at + m)
            np.add(found.event, found.offset, out=event[part], dtype=np.int64)
            row[part] = found.row
            time[part] = found.time
            place[part] = found.place
        finally:
            with self._ready:
                self._writing -= 1
                self._ready.notify_all()

    def _grow(self, size: int) -> None:
        grown: _Arrays = (
            np.empty(size, dtype=np.int64),
            np.empty(size, dtype=np.int64),
            np.empty(size, dtype=np.int8),
            np.empty(size, dtype=np.int8),
        )
        if self._arrays is not None:
            for i in range(4):
                grown[i][: self._at] = self._arrays[i][: self._at]
        self._arrays = grown

    def pairs(self) -> Pairs:
        """The pairs of every chunk put (call once all are in)."""
        if self._arrays is None:
            self._grow(0)
        assert self._arrays is not None
        event, row, time, place = self._arrays
        at = self._at
        return Pairs(event=event[:at], row=row[:at], time=time[:at], place=place[:at])
