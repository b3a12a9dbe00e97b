"""Times typed on the command line: ISO 8601 with an offset, or naive with ``--tz``."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from respite.errors import InvalidInput


def parse_time(text: str, *, tz: str | None, field: str) -> datetime:
    """An aware time from the command line; a naive one needs ``--tz``."""
    if text.strip().lower() == "now":
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO 8601 time (e.g. 2024-09-02T10:00+03:00)", location=field
        ) from None
    if value.tzinfo is None:
        if tz is None:
            raise InvalidInput(
                f"{text!r} has no UTC offset; add one (e.g. +03:00 or Z) or give --tz",
                location=field,
            )
        try:
            value = value.replace(tzinfo=ZoneInfo(tz), fold=0)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown time zone {tz!r}", location="--tz") from None
    return value.astimezone(UTC)
