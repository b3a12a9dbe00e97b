"""CAP 1.2 (OASIS Common Alerting Protocol) messages: one ``alert`` per occurrence window.

CAP has no recurrence, so each occurrence of each part gets its own message, and the pause's
history is replayed version by version: version 1 sends ``Alert``s; a later version sends an
``Update`` for an occurrence whose times or zone changed (the truce extensions) and a ``Cancel``
for one that vanished (suspension, end, cancellation). Both list in ``references`` every earlier
message about that occurrence, oldest first, so a consumer that missed one can still join the
chain. Untouched occurrences get no message (their last one still holds); occurrences already
over when a version is sent are history and get none either.

``sent`` is the version's announcement: ``announced_at`` (for an amendment, else its
``effective_at``); a first version without one is dated a day before its earliest window, a
stable stand-in so identifiers never depend on the query span. Times are UTC written "-00:00"
(CAP 1.2 forbids "Z"). Enumerations, chosen for a *lull* in a hazard, not a hazard:
category ``Safety`` (public-safety news; ``Other`` would hide it from safety filters);
responseType ``Monitor`` (Respite records announcements and is no authority: never
``Evacuate``, and never ``AllClear``, since a pause ending is the hazard returning); urgency
from ``sent`` and the window (``Past`` over, ``Immediate`` under way, ``Expected`` within the
hour, else ``Future``); severity ``Unknown`` (a pause makes nowhere safe, and ``Minor`` would
claim "minimal to no known threat to life"); certainty ``Likely`` for an announced window
(announced pauses do fail, so not ``Observed``) and ``Unlikely`` for a cancelled one.

Areas: one ``polygon`` per exterior ring in CAP's "lat,lon" order (GeoJSON's reverse), rounded
to 5 decimals (~1 m) and, above :data:`MAX_POLYGON_POINTS` points, simplified with topology
preserved, the tolerance doubling from 1e-5 degrees (~1 m) until it fits. CAP cannot say holes,
so they are dropped (the area only grows). Governorate zones add ``OCHA_PCODE`` geocodes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Literal
from zoneinfo import ZoneInfo

from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from respite.errors import InvalidInput
from respite.feeds.hxl import (
    governorate_pcodes,
    objective_line,
    part_objectives,
    part_occurrences,
    pick,
)
from respite.pauses.model import PartStatus, PauseKind
from respite.pauses.movement import MovementSpec
from respite.pauses.resolve import Part, Pause, PauseVersion
from respite.schedule import from_utc_seconds

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_POLYGON_POINTS = 200
MsgType = Literal["Alert", "Update", "Cancel"]

_DAY = 86_400
_HEADLINE_MAX = 160  # CAP 1.2 asks for headlines short enough for text messages
_SENDER_BAD = re.compile(r"[\s,<&]")
_EVENT = {
    PauseKind.HUMANITARIAN_PAUSE: ("Humanitarian pause", "هدنة إنسانية"),
    PauseKind.TACTICAL_PAUSE: ("Tactical pause", "هدنة تكتيكية"),
    PauseKind.CORRIDOR: ("Humanitarian corridor", "ممر إنساني"),
    PauseKind.TRUCE: ("Truce", "هدنة"),
    PauseKind.GENERAL_CEASEFIRE: ("General ceasefire", "وقف شامل لإطلاق النار"),
}
_WORDS = {
    "en": {"Update": "changed", "Cancel": "cancelled", "open": "until further notice",
           "where": "Where", "when": "When", "aims": "Objectives", "by": "Announced by",
           "change": "Change", "sources": "Sources"},
    "ar": {"Update": "تعديل", "Cancel": "إلغاء", "open": "حتى إشعار آخر",
           "where": "المنطقة", "when": "التوقيت", "aims": "الأهداف", "by": "الجهة المعلنة",
           "change": "التعديل", "sources": "المصادر"},
}  # fmt: skip
_LANGUAGES = (("en", "en-US"), ("ar", "ar"))
_PARAMETERS = ("RESPITE_PAUSE_ID", "RESPITE_PART_ID", "RESPITE_VERSION", "RESPITE_KIND")

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class CapInfo:
    """One ``info`` block: the texts of an alert in one language."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str | None
    area_desc: str


@dataclass(frozen=True, slots=True)
class CapAlert:
    """One CAP message about one occurrence window of one pause part; see :func:`alert_xml`."""

    identifier: str
    sender: str
    sent: int
    msg_type: MsgType
    pause_id: str
    part_id: str
    version: int
    kind: str
    onset: int
    expires: int | None
    urgency: str
    certainty: str
    infos: tuple[CapInfo, ...]
    polygons: tuple[Ring, ...]
    geocodes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    note: str | None = None
    sender_name: str = "Respite"
    web: str | None = None

    @property
    def reference(self) -> str:
        """This message as a ``references`` entry: ``sender,identifier,sent``."""
        return f"{self.sender},{self.identifier},{cap_time(self.sent)}"


@dataclass(frozen=True, slots=True)
class _Live:
    """An occurrence as last announced, with every message about it so far."""

    part: Part
    start: int
    end: int | None
    chain: tuple[str, ...]


def pause_alerts(
    pause: Pause,
    *,
    sender: str,
    lo: int,
    hi: int,
    sender_name: str = "Respite",
    web_url: Callable[[Pause], str] | None = None,
) -> list[CapAlert]:
    """Every CAP message for the occurrences of ``pause`` that overlap [lo, hi) UTC seconds.

    Messages come in version order; occurrences keep their true start and end even where they
    stick out of [lo, hi), and an open end (until further notice) has no ``expires``.
    """
    if not sender or _SENDER_BAD.search(sender):
        message = "CAP sender must not be empty or contain spaces, ',', '<' or '&'"
        raise InvalidInput(message, location="sender")
    make = _Maker(pause, sender, sender_name, web_url(pause) if web_url else None)
    live: dict[str, list[_Live]] = {}
    alerts: list[CapAlert] = []
    for version in pause.versions:
        sent = _sent(pause, version)
        make.version, make.sent = version, sent
        new: dict[str, list[_Live]] = {}
        for part in version.parts:
            old = live.get(part.id, [])
            current = new.setdefault(part.id, [])
            if version.version == 1 and part.status is PartStatus.CANCELLED:
                # Recorded as cancelled from the start: its windows are announced as cancelled.
                announced = replace(part, status=PartStatus.ANNOUNCED)
                for start, end in part_occurrences(announced, lo, hi):
                    alerts.append(make(part, start, end, "Cancel", ()))
                continue
            for start, end in part_occurrences(part, lo, hi):
                hits = [o for o in old if _overlaps(o.start, o.end, start, end)]
                same = [o for o in hits if _unchanged(o, part, start, end)]
                chain = tuple(dict.fromkeys(ref for o in hits for ref in o.chain))
                history = _over(end, sent) and all(_over(o.end, sent) for o in hits)
                if same or (version.version > 1 and history):
                    # Unchanged, or a change to the past: nothing to tell anyone now.
                    current.append(same[0] if same else _Live(part, start, end, chain))
                    continue
                alert = make(part, start, end, "Update" if chain else "Alert", chain)
                alerts.append(alert)
                current.append(_Live(part, start, end, (*chain, alert.reference)))
        for part_id, olds in live.items():
            kept = new.get(part_id, [])
            for o in olds:
                gone = not any(_overlaps(o.start, o.end, k.start, k.end) for k in kept)
                if gone and not _over(o.end, sent):
                    alerts.append(make(o.part, o.start, o.end, "Cancel", o.chain))
        live = new
    return alerts


def cap_time(seconds: int) -> str:
    """A CAP time: UTC with an explicit ``-00:00`` offset (CAP 1.2 forbids ``Z``)."""
    return from_utc_seconds(seconds).strftime("%Y-%m-%dT%H:%M:%S-00:00")


def alert_xml(alert: CapAlert) -> bytes:
    """The alert as a UTF-8 CAP 1.2 XML document (elements in the schema's order)."""
    root = ET.Element(_q("alert"))
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    _sub(root, "note", alert.note)
    _sub(root, "references", " ".join(alert.references) or None)
    _sub(root, "incidents", alert.pause_id)  # groups every message about one pause
    for info in alert.infos:
        _info(root, alert, info)
    ET.indent(root)
    return bytes(
        ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)
    )


def _info(root: ET.Element, alert: CapAlert, info: CapInfo) -> None:
    block = _sub(root, "info")
    _sub(block, "language", info.language)
    _sub(block, "category", "Safety")
    _sub(block, "event", info.event)
    _sub(block, "responseType", "Monitor")
    _sub(block, "urgency", alert.urgency)
    _sub(block, "severity", "Unknown")
    _sub(block, "certainty", alert.certainty)
    _sub(block, "effective", cap_time(alert.onset))
    _sub(block, "onset", cap_time(alert.onset))
    _sub(block, "expires", None if alert.expires is None else cap_time(alert.expires))
    _sub(block, "senderName", alert.sender_name)
    _sub(block, "headline", info.headline)
    _sub(block, "description", info.description)
    _sub(block, "instruction", info.instruction)
    _sub(block, "web", alert.web)
    values = (alert.pause_id, alert.part_id, str(alert.version), alert.kind)
    for name, value in zip(_PARAMETERS, values, strict=True):
        _pair(_sub(block, "parameter"), name, value)
    area = _sub(block, "area")
    _sub(area, "areaDesc", info.area_desc)
    for ring in alert.polygons:
        _sub(area, "polygon", " ".join(f"{lat},{lon}" for lat, lon in ring))
    for pcode in alert.geocodes:
        _pair(_sub(area, "geocode"), "OCHA_PCODE", pcode)


def _q(name: str) -> str:
    return f"{{{CAP_NS}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = "") -> ET.Element:
    # None leaves an optional element out (returning the parent keeps one simple signature).
    if text is None:
        return parent
    element = ET.SubElement(parent, _q(name))
    if text:
        element.text = text
    return element


def _pair(parent: ET.Element, name: str, value: str) -> None:
    _sub(parent, "valueName", name)
    _sub(parent, "value", value)


class _Maker:
    """Builds the messages of one pause; ``version`` and ``sent`` are set per version."""

    def __init__(self, pause: Pause, sender: str, sender_name: str, web: str | None) -> None:
        self.pause, self.sender, self.sender_name, self.web = pause, sender, sender_name, web
        self.version: PauseVersion = pause.versions[0]
        self.sent = 0
        self.tz = ZoneInfo(pause.timezone)

    def __call__(
        self, part: Part, start: int, end: int | None, msg: MsgType, refs: tuple[str, ...]
    ) -> CapAlert:
        stamp = from_utc_seconds(start).strftime("%Y%m%dT%H%M%SZ")
        amendment = self.version.amendment
        return CapAlert(
            identifier=f"respite:{self.pause.id}:{part.id}:{stamp}:v{self.version.version}",
            sender=self.sender,
            sent=self.sent,
            msg_type=msg,
            pause_id=self.pause.id,
            part_id=part.id,
            version=self.version.version,
            kind=self.pause.kind.value,
            onset=start,
            expires=end,
            urgency=_urgency(self.sent, start, end),
            certainty="Unlikely" if msg == "Cancel" else "Likely",
            infos=tuple(self._info(part, start, end, msg, lang, tag) for lang, tag in _LANGUAGES),
            polygons=cap_polygons(part.zone),
            geocodes=governorate_pcodes(part),
            references=refs,
            note=amendment.summary.en if amendment and msg != "Alert" else None,
            sender_name=self.sender_name,
            web=self.web,
        )

    def _info(
        self, part: Part, start: int, end: int | None, msg: MsgType, lang: str, tag: str
    ) -> CapInfo:
        spec, words = self.pause.spec, _WORDS[lang]
        event = _EVENT[self.pause.kind][lang == "ar"]
        where = pick(part.name or spec.name, lang)
        when = f"{self._local(start)} - {words['open'] if end is None else self._local(end)}"
        when += f" ({self.pause.timezone})"
        label = f"{event} ({words[msg]})" if msg != "Alert" else event
        headline = f"{label}: {where}, {when}"
        lines = [pick(spec.summary or spec.name, lang), f"{words['where']}: {where}"]
        if part.zone_spec.approximation:
            lines.append(part.zone_spec.approximation)
        lines.append(f"{words['when']}: {when}")
        aims = [objective_line(o, lang) for o in part_objectives(self.pause, part)]
        if aims:
            lines.append(f"{words['aims']}: " + "; ".join(aims))
        if spec.parties.announced_by:
            lines.append(f"{words['by']}: " + ", ".join(spec.parties.announced_by))
        amendment = self.version.amendment
        if amendment and msg != "Alert":
            lines.append(f"{words['change']}: {pick(amendment.summary, lang)}")
        lines.append(f"{words['sources']}: " + "; ".join(s.title for s in spec.sources))
        rules = [] if part.movement is None else [_movement(part.movement, lang)]
        rules += [pick(r.text, lang) for r in spec.movement_rules]
        if spec.notice and spec.notice.text:
            rules.append(pick(spec.notice.text, lang))
        return CapInfo(
            language=tag,
            event=event,
            headline=_shorten(headline),
            description="\n".join(lines),
            instruction=" ".join(rules) or None,
            area_desc=where,
        )

    def _local(self, seconds: int) -> str:
        return from_utc_seconds(seconds).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")


def _movement(movement: MovementSpec, lang: str) -> str:
    """The part's movement rules: its own text in ``lang`` if given, and the structured line."""
    line = movement.describe()
    if movement.text is not None and lang != "en" and movement.text.get(lang):
        return f"{movement.text.get(lang)} ({line})"
    return line + ("" if line.endswith(")") else ".")


def cap_polygons(zone: BaseGeometry, max_points: int = MAX_POLYGON_POINTS) -> tuple[Ring, ...]:
    """Closed "lat,lon" rings, one per polygon of the zone, each within ``max_points``."""
    polygons = getattr(zone, "geoms", [zone])
    rings: list[Ring] = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        shell = Polygon(polygon.exterior)
        tolerance = 1e-5
        while len(shell.exterior.coords) > max_points and tolerance < 1:
            shell = Polygon(polygon.exterior).simplify(tolerance, preserve_topology=True)
            tolerance *= 2
        points = [(round(y, 5), round(x, 5)) for x, y in shell.exterior.coords]
        ring = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(ring) >= 4:  # CAP wants at least four pairs, the last equal to the first
            rings.append(tuple(ring))
    return tuple(rings)


def _sent(pause: Pause, version: PauseVersion) -> int:
    amendment = version.amendment
    if amendment is not None and amendment.announced_at is not None:
        value = amendment.announced_at
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(pause.timezone))
        return int(value.astimezone(UTC).timestamp())
    if version.effective_at is not None:
        return version.effective_at
    return min(part.first_start() for part in version.parts) - _DAY


def _urgency(sent: int, start: int, end: int | None) -> str:
    if end is not None and end <= sent:
        return "Past"
    if start <= sent:
        return "Immediate"
    return "Expected" if start - sent <= 3600 else "Future"


def _overlaps(a: int, a_end: int | None, b: int, b_end: int | None) -> bool:
    return (a_end is None or b < a_end) and (b_end is None or a < b_end)


def _over(end: int | None, at: int) -> bool:
    return end is not None and end <= at


def _unchanged(old: _Live, part: Part, start: int, end: int | None) -> bool:
    # Same times but a new zone or name (replace_parts) is still a change worth an Update.
    same_place = old.part.name == part.name and old.part.zone.equals_exact(part.zone, 0.0)
    return (old.start, old.end) == (start, end) and same_place


def _shorten(text: str) -> str:
    return text if len(text) <= _HEADLINE_MAX else text[: _HEADLINE_MAX - 1].rstrip() + "…"


__all__ = ["CapAlert", "CapInfo", "alert_xml", "cap_polygons", "cap_time", "pause_alerts"]
