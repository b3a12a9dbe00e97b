"""What the crash cycles check after each restart, read straight from the database.

* :func:`lost_writes`: every acknowledged write is there, at the version it was answered with
  (a pause version, a movement, a party's acknowledgement, an incident under its reference);
* :func:`half_written`: no record is visible in part: every versioned record's current version
  is its number of versions and its last one; every incident's current digest is its last
  version's; and the ledger holds exactly one entry per stored change of what the stream wrote
  (one per pause version, movement version, acknowledgement, incident version), so no change
  is stored without its audit entry or the other way round;
* the ledger itself is verified by the ``respite audit verify`` command, run by the harness
  as a separate process, as an operator would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Engine, func, select

from benchmarks.crash_stream import Expected
from respite.audit.tables import AuditEntry
from respite.incidents.tables import IncidentRow, IncidentVersionRow
from respite.movements.tables import (
    AcknowledgementRow,
    MovementRow,
    MovementVersionRow,
    NotificationRow,
)
from respite.pauses.tables import PauseRow, PauseVersionRow
from respite.sites.tables import SiteRow, SiteVersionRow
from respite.storage.db import session_factory

#: Pause ids the stream creates start with this (the scenario's own pauses are left out of the
#: audit count: a scenario pause with several versions is imported with one entry).
PAUSE_PREFIX = "crash-"


def lost_writes(engine: Engine, expected: Iterable[Expected]) -> list[Expected]:
    """The acknowledged writes that are not in the store."""
    with session_factory(engine, read_only=True)() as session:
        pause_versions = set(
            session.execute(select(PauseVersionRow.pause_id, PauseVersionRow.version))
        )
        movement_versions = set(
            session.execute(select(MovementVersionRow.movement_id, MovementVersionRow.version))
        )
        acknowledged = set(
            session.execute(
                select(
                    NotificationRow.subject,
                    NotificationRow.version,
                    NotificationRow.party_organisation_id,
                ).join(AcknowledgementRow, AcknowledgementRow.notification_id == NotificationRow.id)
            )
        )
        incidents = set(session.execute(select(IncidentRow.id, IncidentRow.source_key)))
    found = {
        "pause": lambda e: (e.subject, e.version) in pause_versions,
        "amendment": lambda e: (e.subject, e.version) in pause_versions,
        "movement": lambda e: (e.subject, e.version) in movement_versions,
        "acknowledgement": lambda e: (
            (f"movement:{e.subject}", e.version, e.party_org_id) in acknowledged
        ),
        "incident": lambda e: (e.subject, e.reference) in incidents,
    }
    return [e for e in expected if not found[e.kind](e)]


def half_written(engine: Engine) -> list[str]:
    """Every record seen in part, described in one line each."""
    problems: list[str] = []
    with session_factory(engine, read_only=True)() as session:
        versions: Counter[str] = Counter()
        for label, parent, child, key in [
            ("pause", PauseRow, PauseVersionRow, PauseVersionRow.pause_id),
            ("movement", MovementRow, MovementVersionRow, MovementVersionRow.movement_id),
            ("incident", IncidentRow, IncidentVersionRow, IncidentVersionRow.incident_id),
            ("site", SiteRow, SiteVersionRow, SiteVersionRow.site_id),
        ]:
            query = (
                select(parent.id, parent.current_version, func.count(key), func.max(child.version))
                .outerjoin(child, key == parent.id)
                .group_by(parent.id, parent.current_version)
            )
            for row_id, current, count, last in session.execute(query):
                if not current == count == last:
                    problems.append(
                        f"{label} {row_id}: current version {current}, {count} version rows, "
                        f"last {last}"
                    )
                versions[f"{label}:{row_id}"] = count
        query = (
            select(IncidentRow.id)
            .join(
                IncidentVersionRow,
                (IncidentVersionRow.incident_id == IncidentRow.id)
                & (IncidentVersionRow.version == IncidentRow.current_version),
            )
            .where(IncidentVersionRow.digest != IncidentRow.digest)
        )
        problems.extend(
            f"incident {i}: digest differs from its last version" for i in session.scalars(query)
        )
        acks = Counter(
            session.scalars(
                select(NotificationRow.subject).join(
                    AcknowledgementRow, AcknowledgementRow.notification_id == NotificationRow.id
                )
            )
        )
        entries = Counter(
            (subject, action.endswith(".acknowledge"))
            for subject, action in session.execute(select(AuditEntry.subject, AuditEntry.action))
        )
    prefixes = ("movement:", "incident:", f"pause:{PAUSE_PREFIX}")
    streamed = Counter({s: n for s, n in versions.items() if s.startswith(prefixes)})
    audited = {s for s, ack in entries if not ack and s.startswith(prefixes)}
    for subject in sorted(set(streamed) | audited):
        if entries[(subject, False)] != streamed[subject]:
            problems.append(
                f"{subject}: {streamed[subject]} stored versions but "
                f"{entries[(subject, False)]} audit entries"
            )
    for subject in sorted(set(acks) | {s for s, ack in entries if ack}):
        if entries[(subject, True)] != acks[subject]:
            problems.append(
                f"{subject}: {acks[subject]} acknowledgements but "
                f"{entries[(subject, True)]} acknowledgement audit entries"
            )
    return problems


def landed(engine: Engine, in_flight: Iterable[tuple[str, str]]) -> int:
    """How many of the writes cut by a kill had been committed after all (only the kinds whose
    key names what they would have stored: pauses, movements, incidents)."""
    wanted = list(in_flight)
    with session_factory(engine, read_only=True)() as session:
        pauses = set(session.scalars(select(PauseRow.id)))
        movements = set(session.scalars(select(MovementRow.reference)))
        incidents = set(session.scalars(select(IncidentRow.source_key)))
    stored = {"pause": pauses, "movement": movements, "incident": incidents}
    return sum(
        1
        for kind, key in wanted
        if (f"{PAUSE_PREFIX}{key}" if kind == "pause" else key) in stored.get(kind, set())
    )
