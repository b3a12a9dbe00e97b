"""Streaming the features out of GeoJSON input, whatever its framing.

Internal to :mod:`respite.events.geojson_in`. Only one feature is held in memory at a time:
a FeatureCollection is walked with ijson (``features.item``); newline-delimited features and
RFC 8142 text sequences are split on their separator as chunks arrive.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from respite.errors import InvalidInput, Problem

SNIFF = 65_536
_RS = b"\x1e"
_BOM = b"\xef\xbb\xbf"
#: (location, decoded feature or None, why it could not be decoded or None)
Item = tuple[str, Any, str | None]


def features(stream: BinaryIO) -> Iterator[Item]:
    """Every feature of ``stream``; raises :class:`InvalidInput` at once if it is not GeoJSON."""
    head = stream.read(SNIFF)
    if not isinstance(head, bytes):
        raise InvalidInput([Problem("", "GeoJSON is read as bytes: open the file in binary mode")])
    kind = _kind(head, complete=len(head) < SNIFF)
    rest = _Prefixed(head.removeprefix(_BOM), stream)
    if kind == "collection":
        return _parsed(ijson.items(io.BufferedReader(rest), "features.item", use_float=True))
    if kind == "values":
        return _parsed(
            ijson.items(io.BufferedReader(rest), "", multiple_values=True, use_float=True)
        )
    return _records(rest, _RS if kind == "rs" else b"\n")


class _Prefixed(io.RawIOBase):
    """The sniffed bytes, then the rest of the stream, as one readable binary stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head, self._stream = memoryview(head), stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _kind(head: bytes, *, complete: bool) -> str:
    """How the features are framed: ``collection``, ``rs``, ``lines`` or ``values``.

    ``lines`` is one feature per line (a bad line is reported and skipped); ``values`` is
    features written over several lines each, one after another (a syntax error ends it).
    """
    text = head.removeprefix(_BOM).lstrip(b" \t\r\n")
    if text.startswith(_RS):
        return "rs"
    if not text.startswith(b"{"):
        shown = text[:20].decode("utf-8", "replace")
        raise InvalidInput([Problem("", f"is not GeoJSON: it starts with {shown!r}")])
    top_type = None
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(text)):
            if prefix == "" and event == "map_key" and value == "features":
                return "collection"
            if prefix == "type" and event == "string":
                top_type = value
            if prefix == "" and event == "end_map":
                _, end = json.JSONDecoder().raw_decode(text.decode("utf-8", "replace"))
                return "values" if "\n" in text.decode("utf-8", "replace")[:end] else "lines"
    except (ijson.JSONError, ValueError) as exc:
        if complete:
            raise InvalidInput([Problem("", f"is not valid JSON ({exc})")]) from None
    # The first value is longer than the sniffed bytes: judge by its type and line breaks.
    if top_type == "FeatureCollection":
        return "collection"
    if top_type == "Feature":
        return "values" if b"\n" in text else "lines"
    raise InvalidInput([Problem("", "is neither a FeatureCollection nor a sequence of features")])


def _parsed(values: Iterator[Any]) -> Iterator[Item]:
    done = 0
    try:
        for value in values:
            yield f"features[{done}]", value, None
            done += 1
    except ijson.JSONError as exc:
        # Without line or record separators there is no resynchronising: stop, saying where.
        raise InvalidInput(
            [Problem(f"features[{done}]", f"the file stops being valid JSON here ({exc})")]
        ) from None


def _records(stream: _Prefixed, separator: bytes) -> Iterator[Item]:
    index = 0
    for record in _split(stream, separator):
        text = record.strip()
        if not text:
            continue
        where = f"features[{index}]"
        index += 1
        try:
            yield where, json.loads(text), None
        except ValueError as exc:
            yield where, None, f"is not valid JSON ({exc})"


def _split(stream: _Prefixed, separator: bytes) -> Iterator[bytes]:
    pending = b""
    while chunk := stream.read(SNIFF):
        parts = (pending + chunk).split(separator)
        pending = parts.pop()
        yield from parts
    yield pending
