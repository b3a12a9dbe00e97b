"""Canonical JSON and SHA-256 digests: the byte form every hash in Respite is taken over.

Canonical here means: keys sorted, no insignificant whitespace, UTF-8, NaN and infinities
refused. Two documents that mean the same JSON value give the same bytes, so a digest stored
today can be recomputed tomorrow from the stored JSON (whatever order the database returns the
keys in). It is not RFC 8785: numbers are written as Python writes them (``200.0`` stays
``200.0``), which round-trips exactly through :func:`json.loads` and is all the ledger needs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: A value that survives a round trip through JSON unchanged.
JsonValue = dict[str, Any] | list[Any] | str | int | float | bool | None


def canonical_json(value: object) -> str:
    """``value`` as canonical JSON text (raises ``TypeError`` for non-JSON values)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8) as 64 lower-case hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(value: object) -> str:
    """The digest of a JSON value: SHA-256 of its canonical JSON."""
    return sha256_hex(canonical_json(value))


def normalised(value: object) -> Any:
    """``value`` as it will read back from a JSON column (tuples become lists, and so on)."""
    return json.loads(canonical_json(value))
