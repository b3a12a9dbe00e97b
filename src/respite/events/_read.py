"""Pieces the incident readers share: CSV header sniffing, cell parsing, duplicate keys."""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import ParamSpec, TextIO, TypeVar

import numpy as np
import numpy.typing as npt

from respite.errors import InvalidInput, Problem

P = ParamSpec("P")
T = TypeVar("T")

DELIMITERS = (",", ";", "\t")
HEADER = "row[1]"


def check(
    problems: list[Problem], where: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """``fn(...)``, or ``None`` with its complaint added to ``problems`` at ``where``."""
    try:
        return fn(*args, **kwargs)
    except InvalidInput as exc:
        problems.extend(Problem(where, p.message) for p in exc.problems)
    except ValueError as exc:
        problems.append(Problem(where, str(exc)))
    return None


def number(text: str, decimal_comma: bool = False) -> float:
    """A finite decimal number; ``31,52`` too when the file's delimiter is not a comma."""
    cleaned = text.strip()
    if decimal_comma and "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".", 1)
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def count(text: str) -> int | None:
    """A whole number >= 0; an empty cell is ``None`` (not reported, which is not zero)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(f"{text!r} is not a whole number >= 0")
    return int(cleaned)


def metres(text: str) -> float:
    """A radius: finite metres >= 0."""
    value = number(text)
    if value < 0:
        raise ValueError(f"{text!r} is negative: a radius is metres >= 0")
    return value


def normalise(name: str) -> str:
    """A header name compared loosely: BOM, case, surrounding space, inner spaces."""
    return "_".join(name.replace("\ufeff", "").strip().lower().split())


class CsvInput:
    """A CSV stream after its header: the delimiter chosen, the header, then the records.

    The header line is read on its own to choose the delimiter (``,``, ``;`` or tab: the one
    under which the most expected column names appear); records are then read one at a time,
    so a file of any size passes through in constant memory.
    """

    def __init__(self, stream: TextIO, expected: Iterable[str]) -> None:
        try:
            line = stream.readline()
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                [Problem(HEADER, f"cannot be decoded ({exc.reason}): save the file as UTF-8")]
            ) from None
        if not line.strip():
            raise InvalidInput([Problem(HEADER, "the file is empty: no header row")])
        if "\x00" in line:
            raise InvalidInput([Problem(HEADER, "contains NUL bytes: this is not a text CSV")])
        wanted = {normalise(e) for e in expected}
        best: tuple[int, str, list[str]] | None = None
        for delimiter in DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter))
            score = sum(normalise(c) in wanted for c in cells)
            if best is None or score > best[0]:
                best = (score, delimiter, cells)
        assert best is not None
        self.delimiter = best[1]
        self.header = [c.replace("\ufeff", "").strip() for c in best[2]]
        self._stream = stream

    def records(self) -> Iterator[tuple[int, list[str] | None, str | None]]:
        """``(row number, cells, None)`` per record, or ``(row, None, why)`` for an unreadable one.

        Rows are numbered as a spreadsheet shows them (header = 1), one per record even when a
        quoted cell spans several lines; blank lines count but are not returned.
        """
        reader = csv.reader(self._stream, delimiter=self.delimiter)
        row = 1
        while True:
            row += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise InvalidInput(
                    [Problem(f"row[{row}]", f"cannot be decoded ({exc.reason}): save as UTF-8")]
                ) from None
            except csv.Error as exc:
                yield row, None, f"is not readable CSV ({exc})"
                continue
            if any(c.strip() for c in cells):
                yield row, cells, None


def digest_key(pairs: Iterable[tuple[str, str]]) -> str:
    """A key for a row without an id: a digest of its cells, so re-reading it gives the same."""
    hasher = hashlib.sha256()
    for name, value in pairs:
        hasher.update(f"{len(name)}:{name}{len(value)}:{value}".encode())
    return "sha256:" + hasher.hexdigest()[:24]


class KeySet:
    """The keys seen so far in one file, kept compactly, to refuse a repeated key.

    A Python ``set`` of strings costs ~100 bytes per key (20 MB for a 200,000-row file), and a
    file may be larger than memory. Keys of the form *letters + number* (ACLED's ``PSE12345``)
    cost one bit each, in a bitmap per prefix indexed by the number. Any other key is kept as a
    64-bit BLAKE2b digest (8 bytes): recent ones in a small set, older ones in a sorted numpy
    array. Two different keys share a digest with probability ~n^2 / 2^65 (3e-6 for ten
    million keys); such a clash is reported as a duplicate, never passed over silently.
    """

    _PREFIXES = 64  # beyond this many distinct prefixes, keys are digested instead
    _LARGEST = 1 << 24  # numbers above this would make a bitmap larger than 2 MB
    _RECENT = 8192

    def __init__(self) -> None:
        self._bits: dict[str, bytearray] = {}
        self._recent: set[int] = set()
        self._sorted: npt.NDArray[np.uint64] = np.zeros(0, dtype=np.uint64)

    def add(self, key: str) -> bool:
        """Remember ``key``; ``False`` if it was already there."""
        numbered = _NUMBERED.fullmatch(key)
        if numbered is not None:
            bits = self._bits.get(numbered[1])
            if bits is None and len(self._bits) < self._PREFIXES:
                bits = self._bits[numbered[1]] = bytearray()
            number = int(numbered[2])
            if bits is not None and number < self._LARGEST:
                return _set_bit(bits, number)
        digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
        if digest in self._recent:
            return False
        index = int(np.searchsorted(self._sorted, digest))
        if index < len(self._sorted) and int(self._sorted[index]) == digest:
            return False
        self._recent.add(digest)
        if len(self._recent) >= self._RECENT:
            # Appending then a stable sort merges two sorted runs in linear time (timsort).
            batch = np.fromiter(sorted(self._recent), dtype=np.uint64, count=len(self._recent))
            self._sorted = np.sort(np.concatenate([self._sorted, batch]), kind="stable")
            self._recent.clear()
        return True


# A number without leading zeros, so that "PSE012" and "PSE12" stay different keys.
_NUMBERED = re.compile(r"([^\d]{0,16})(0|[1-9]\d{0,7})")


def _set_bit(bits: bytearray, number: int) -> bool:
    byte, mask = number >> 3, 1 << (number & 7)
    if byte >= len(bits):
        bits.extend(bytes(max(byte + 1 - len(bits), len(bits) // 2)))
    if bits[byte] & mask:
        return False
    bits[byte] |= mask
    return True
