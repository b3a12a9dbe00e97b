"""The Atom feed of CAP alerts validates against the RFC 4287 RELAX NG schema."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest
from lxml import etree

from respite.errors import InvalidInput
from respite.feeds.atom import ATOM_NS, cap_atom_feed
from respite.feeds.cap import CapAlert, pause_alerts

NS = {"atom": ATOM_NS}
BASE = "https://respite.example.org/cap/"
UPDATED = datetime(2025, 1, 1, tzinfo=UTC)


def alert_url(alert: CapAlert) -> str:
    return f"{BASE}{alert.identifier}.xml"


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    rng = resources.files("respite.feeds.schemas").joinpath("atom-rfc4287.rng").read_bytes()
    return etree.RelaxNG(etree.fromstring(rng))


@pytest.fixture(scope="module")
def alerts(scenario) -> list[CapAlert]:
    lo = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())  # 2023: corridor, Jabalia, truce
    return [a for p in scenario for a in pause_alerts(p, sender="respite", lo=lo, hi=hi)]


def feed(alerts: list[CapAlert]) -> etree._Element:
    xml = cap_atom_feed(
        alerts,
        feed_id=f"{BASE}feed",
        self_url=f"{BASE}feed.atom",
        alert_url=alert_url,
        updated=UPDATED,
    )
    return etree.fromstring(xml)


def test_feed_validates_and_links_every_alert(alerts, atom_schema) -> None:
    root = feed(alerts)
    assert atom_schema.validate(root), atom_schema.error_log
    entries = root.findall("atom:entry", NS)
    assert len(entries) == len(alerts) == 8
    hrefs = []
    for entry in entries:
        (link,) = entry.findall("atom:link[@rel='alternate']", NS)
        assert link.get("type") == "application/cap+xml"
        assert entry.findtext("atom:id", namespaces=NS) == link.get("href")
        hrefs.append(link.get("href"))
    assert sorted(hrefs) == sorted(alert_url(a) for a in alerts)
    # RFC 4287 rules the RELAX NG grammar cannot express: a feed author, and a self link.
    assert root.findtext("atom:author/atom:name", namespaces=NS) == "Respite"
    assert root.find("atom:link[@rel='self']", NS).get("href") == f"{BASE}feed.atom"
    assert root.findtext("atom:updated", namespaces=NS) == "2025-01-01T00:00:00Z"


def test_entries_are_newest_first_and_tagged_with_the_message_type(alerts) -> None:
    entries = feed(alerts).findall("atom:entry", NS)
    updated = [e.findtext("atom:updated", namespaces=NS) for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert updated[0] == "2023-11-30T04:45:00Z"  # the truce's second extension
    terms = [e.find("atom:category", NS).get("term") for e in entries]
    assert terms[:2] == ["Update", "Update"]
    assert terms.count("Alert") == 6


def test_schema_rejects_an_entry_without_id(alerts, atom_schema) -> None:
    root = feed(alerts)
    entry = root.find("atom:entry", NS)
    entry.remove(entry.find("atom:id", NS))
    assert not atom_schema.validate(root)


def test_naive_updated_is_refused(alerts) -> None:
    with pytest.raises(InvalidInput, match="updated"):
        cap_atom_feed(
            alerts,
            feed_id="urn:x",
            self_url="https://x/",
            alert_url=alert_url,
            updated=datetime(2025, 1, 1),  # naive on purpose
        )
