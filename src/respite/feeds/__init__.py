"""Standard feeds built from the same pause data (pure: no web, no database)."""

from respite.feeds.atom import cap_atom_feed
from respite.feeds.cap import CapAlert, alert_xml, pause_alerts
from respite.feeds.geojson import part_feature, pauses_to_geojson
from respite.feeds.hxl import occurrences_hxl_csv, pauses_hxl_csv
from respite.feeds.ical import pauses_to_ical

__all__ = [
    "CapAlert",
    "alert_xml",
    "cap_atom_feed",
    "occurrences_hxl_csv",
    "part_feature",
    "pause_alerts",
    "pauses_hxl_csv",
    "pauses_to_geojson",
    "pauses_to_ical",
]
