"""Export pauses in the standard formats, with times as datetimes.

One function per format, over the same resolved pauses the engine answers from (pure: no web,
no database). The feed modules below work in UTC epoch seconds because they share the engine's
interval arithmetic; here every instant is an aware :class:`~datetime.datetime`, and a naive one
is refused with the argument named (a guessed time zone would be a wrong answer).

Examples
--------
>>> from datetime import datetime, UTC
>>> import respite
>>> from respite import export
>>> pauses = respite.load_scenario("gaza-2023-2024")
>>> alerts = export.cap_alerts(
...     pauses, sender="respite@example.org",
...     start=datetime(2024, 9, 1, tzinfo=UTC), end=datetime(2024, 9, 13, tzinfo=UTC))
>>> sorted({a.infos[0].event for a in alerts})
['Humanitarian pause', 'Tactical pause']
>>> export.to_ical(pauses).startswith(b"BEGIN:VCALENDAR")
True
>>> export.to_geojson(pauses)["type"]
'FeatureCollection'
>>> export.to_hxl(pauses).splitlines()[1].startswith("#event")
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from respite.errors import InvalidInput
from respite.feeds.atom import cap_atom_feed
from respite.feeds.cap import CapAlert, alert_xml, pause_alerts
from respite.feeds.geojson import pauses_to_geojson
from respite.feeds.hxl import occurrences_hxl_csv, pauses_hxl_csv
from respite.feeds.ical import pauses_to_ical
from respite.pauses.resolve import Pause
from respite.schedule import utc_seconds

__all__ = [
    "CapAlert",
    "cap_alerts",
    "cap_atom",
    "cap_xml",
    "occurrences_hxl",
    "to_geojson",
    "to_hxl",
    "to_ical",
]


def cap_alerts(
    pauses: Iterable[Pause],
    *,
    sender: str,
    start: datetime,
    end: datetime,
    sender_name: str = "Respite",
    web_url: Callable[[Pause], str] | None = None,
) -> list[CapAlert]:
    """Every CAP 1.2 message for the windows that overlap ``[start, end)``.

    Parameters
    ----------
    pauses
        Resolved pauses (e.g. from :func:`respite.load_scenario`).
    sender
        The CAP ``sender``: no spaces, commas, ``<`` or ``&``.
    start, end
        Aware datetimes bounding the windows to announce.
    sender_name
        The human-readable ``senderName``.
    web_url
        A pause's public page, for the ``web`` element.

    Returns
    -------
    list of CapAlert
        One Alert per window, Update/Cancel for later versions, pause by pause in order.
    """
    lo, hi = _span(start, end)
    alerts: list[CapAlert] = []
    for pause in pauses:
        alerts.extend(
            pause_alerts(
                pause, sender=sender, lo=lo, hi=hi, sender_name=sender_name, web_url=web_url
            )
        )
    return alerts


def cap_xml(alert: CapAlert) -> bytes:
    """One CAP message as UTF-8 XML (valid against the OASIS CAP 1.2 schema).

    Parameters
    ----------
    alert
        A message from :func:`cap_alerts`.

    Returns
    -------
    bytes
        The ``<alert>`` document with its XML declaration.
    """
    return alert_xml(alert)


def cap_atom(
    alerts: Iterable[CapAlert],
    *,
    feed_id: str,
    self_url: str,
    alert_url: Callable[[CapAlert], str],
    updated: datetime,
) -> bytes:
    """An Atom (RFC 4287) feed of CAP messages, newest first.

    Parameters
    ----------
    alerts
        Messages from :func:`cap_alerts`.
    feed_id, self_url
        The feed's ``id`` and its own address.
    alert_url
        Where each message is published.
    updated
        Aware datetime of the feed's last change.

    Returns
    -------
    bytes
        The feed as UTF-8 XML.
    """
    return cap_atom_feed(
        alerts, feed_id=feed_id, self_url=self_url, alert_url=alert_url, updated=updated
    )


def to_ical(pauses: Iterable[Pause], *, stamp: datetime | None = None) -> bytes:
    """An RFC 5545 calendar: one VEVENT per window rule, in the pause's own time zone.

    Parameters
    ----------
    pauses
        Resolved pauses.
    stamp
        Aware datetime for ``DTSTAMP`` (default: now), fixed for reproducible output.

    Returns
    -------
    bytes
        The ``VCALENDAR`` text.
    """
    if stamp is not None:
        _aware(stamp, "stamp")
    return pauses_to_ical(pauses, stamp=stamp)


def to_geojson(
    pauses: Iterable[Pause], *, start: datetime | None = None, end: datetime | None = None
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection, one feature per pause part.

    Parameters
    ----------
    pauses
        Resolved pauses.
    start, end
        Optional aware datetimes: list the windows in ``[start, end)`` on each feature.

    Returns
    -------
    dict
        The FeatureCollection, ready for :func:`json.dumps`.
    """
    if start is not None:
        _aware(start, "start")
    if end is not None:
        _aware(end, "end")
    return pauses_to_geojson(pauses, lo=start, hi=end)


def to_hxl(pauses: Iterable[Pause]) -> str:
    """HXL-tagged CSV, one row per pause part (HXL 1.1 hashtags in the second row).

    Parameters
    ----------
    pauses
        Resolved pauses.

    Returns
    -------
    str
        The CSV text.
    """
    return pauses_hxl_csv(pauses)


def occurrences_hxl(pauses: Iterable[Pause], *, start: datetime, end: datetime) -> str:
    """HXL-tagged CSV, one row per window occurring in ``[start, end)``.

    Parameters
    ----------
    pauses
        Resolved pauses.
    start, end
        Aware datetimes.

    Returns
    -------
    str
        The CSV text, windows in UTC and in the pause's local time.
    """
    lo, hi = _span(start, end)
    return occurrences_hxl_csv(pauses, lo, hi)


def _aware(value: datetime, field: str) -> int:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field} must be a timezone-aware datetime", location=field)
    return utc_seconds(value)


def _span(start: datetime, end: datetime) -> tuple[int, int]:
    lo, hi = _aware(start, "start"), _aware(end, "end")
    if hi <= lo:
        raise InvalidInput("end must be after start", location="end")
    return lo, hi
