"""An Atom (RFC 4287) feed of CAP messages, the usual way CAP alerts are published.

Each entry stands for one CAP message and links to its XML with ``rel="alternate"`` and
``type="application/cap+xml"``; the feed itself carries no alert content, so readers always
fetch the one authoritative document. Entries are newest first. The entry id is the alert's
URL (stable, and an IRI as Atom requires, which CAP identifiers need not be). Atom dates are
RFC 3339, where UTC is written ``Z`` (unlike CAP, which forbids it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from respite.errors import InvalidInput
from respite.feeds.cap import CAP_NS, CapAlert
from respite.schedule import from_utc_seconds

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
#: Category scheme for the CAP message type, so readers can filter out Cancel or Update.
MSG_TYPE_SCHEME = f"{CAP_NS}#msgType"
#: Namespace of the feed-level extension element carrying a signed ledger checkpoint (RFC 4287
#: section 6.4: readers that do not know it ignore it), so every archived copy of the feed
#: holds a checkpoint; respite.audit.checkpoint reads it back (and names it again: the pure
#: core may not import the audit kit, and the audit kit may not import the feeds).
CHECKPOINT_NS = "urn:respite:ledger-checkpoint:1"


def cap_atom_feed(
    alerts: Iterable[CapAlert],
    *,
    feed_id: str,
    self_url: str,
    alert_url: Callable[[CapAlert], str],
    updated: datetime,
    title: str = "Respite: humanitarian pause alerts (CAP 1.2)",
    author: str = "Respite",
    checkpoint: str | None = None,
    checkpoint_url: str | None = None,
) -> bytes:
    """The feed as UTF-8 XML; ``updated`` must be timezone-aware. ``checkpoint`` (the JSON of
    a signed ledger checkpoint) goes in an extension element, ``checkpoint_url`` in a
    ``related`` link."""
    if updated.tzinfo is None or updated.utcoffset() is None:
        raise InvalidInput("updated must be timezone-aware", location="updated")
    # Plain names plus an xmlns attribute: ElementTree's default_namespace option refuses the
    # unqualified attributes (rel, href) that Atom uses.
    feed = ET.Element(
        "feed", {"xmlns": ATOM_NS, "{http://www.w3.org/XML/1998/namespace}lang": "en"}
    )
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", _rfc3339(updated))
    _sub(_sub(feed, "author"), "name", author)
    _link(feed, "self", self_url, "application/atom+xml")
    if checkpoint_url is not None:
        _link(feed, "related", checkpoint_url, "application/json")
    if checkpoint is not None:
        ET.SubElement(feed, "checkpoint", {"xmlns": CHECKPOINT_NS}).text = checkpoint
    for alert in sorted(alerts, key=lambda a: (-a.sent, a.identifier)):
        url = alert_url(alert)
        english = alert.infos[0]
        entry = _sub(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", english.headline)
        _sub(entry, "updated", _rfc3339(from_utc_seconds(alert.sent)))
        _sub(entry, "published", _rfc3339(from_utc_seconds(alert.sent)))
        _link(entry, "alternate", url, CAP_MEDIA_TYPE)
        ET.SubElement(entry, "category", {"term": alert.msg_type, "scheme": MSG_TYPE_SCHEME})
        _sub(entry, "summary", english.description)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = text
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "href": href, "type": media_type})


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["ATOM_NS", "CAP_MEDIA_TYPE", "CHECKPOINT_NS", "cap_atom_feed"]
