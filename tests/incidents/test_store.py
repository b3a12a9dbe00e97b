"""The incident tables and services: the migration matches the models, history cannot be
changed, a record comes back from the store with the digest it went in with, and reports,
corrections and review decisions are versions with their audit entries. SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from respite.audit import verify_chain
from respite.audit.tables import AuditEntry
from respite.errors import AlreadyExists, Conflict, InvalidInput, NotFound, VersionConflict
from respite.events.record import GeoPrecision, IncidentRecord, IncidentSource, TimePrecision
from respite.incidents import service
from respite.incidents.convert import (
    record_columns,
    record_from_json,
    record_json,
    record_of,
)
from respite.incidents.tables import (
    APPEND_ONLY_TABLES,
    ChangeKind,
    IncidentRow,
    IncidentVersionRow,
    ReviewState,
    Visibility,
)
from respite.storage import downgrade, upgrade
from respite.storage.base import Base

TABLES = {"incidents", "incident_versions", "import_runs"}
SERIAL = itertools.count()


def field_record(key: str = "team-7/0902-1", **changes: Any) -> IncidentRecord:
    """A field report: shelling seen at 10:15 Gaza time on 2 September 2024, +-10 minutes."""
    record = IncidentRecord(
        source=IncidentSource.FIELD,
        source_key=key,
        occurred_from=1_725_260_700,
        occurred_until=1_725_262_000,
        time_precision=TimePrecision.MINUTE,
        lon=34.3510,
        lat=31.4171,
        radius_m=50.0,
        geo_precision=GeoPrecision.EXACT,
        event_type="Shelling",
        fatalities=2,
        location="Deir al-Balah, near the clinic",
        attributes={"injured": "5"},
    )
    return replace(record, **changes)


def audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_the_migration_creates_what_the_models_describe(db_engine: Engine) -> None:
    assert set(inspect(db_engine).get_table_names()) >= TABLES
    with db_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    downgrade(db_engine, "0002_movements")
    assert not TABLES & set(inspect(db_engine).get_table_names())
    upgrade(db_engine)
    assert set(inspect(db_engine).get_table_names()) >= TABLES


def test_the_record_of_versions_cannot_be_changed(
    sessions: sessionmaker[Session], accounts: Any, now: datetime
) -> None:
    with sessions.begin() as session:
        service.report_incident(
            session,
            record=field_record(),
            owner_org_id=accounts.other_org_id,
            visibility=Visibility.ORGANISATION,
            user_id=accounts.other_user_id,
            now=now,
        )
    engine = sessions.kw["bind"]
    statements = [
        "UPDATE {t} SET digest = digest",
        "DELETE FROM {t}",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE {t} CASCADE")
    for table in APPEND_ONLY_TABLES:
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.exec_driver_sql(statement.format(t=table))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(IncidentVersionRow)) == 1


#: Text as a reader may hand it over, except NUL and lone surrogates, which the store
#: refuses (tested below).
texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40
)
records = st.builds(
    IncidentRecord,
    source=st.sampled_from(IncidentSource),
    source_key=texts.filter(str.strip),
    occurred_from=st.integers(0, 2_000_000_000),
    occurred_until=st.just(0),
    time_precision=st.sampled_from(TimePrecision),
    lon=st.floats(-180, 180),
    lat=st.floats(-90, 90),
    radius_m=st.floats(0, 1e6),
    geo_precision=st.sampled_from(GeoPrecision),
    event_type=texts.filter(str.strip),
    sub_event_type=st.none() | texts,
    fatalities=st.none() | st.integers(0, 10_000),
    location=st.none() | texts,
    actors=st.lists(texts, max_size=4).map(tuple),
    notes=st.none() | texts,
    reported_by=st.none() | texts,
    attributes=st.dictionaries(texts, texts, max_size=6),
).map(lambda r: replace(r, occurred_until=r.occurred_from + 1 + r.occurred_from % 86_400))


@settings(max_examples=200, deadline=None)
@given(record=records)
def test_the_digest_is_of_the_canonical_content(record: IncidentRecord) -> None:
    # The canonical text written out independently (dataclasses.asdict, as first defined): a
    # change of the digest's form would make every stored record look changed on re-import.
    content = asdict(record)
    content["actors"] = list(record.actors)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record.digest() == hashlib.sha256(text.encode()).hexdigest()
    assert record_from_json(record_json(record)) == record
    assert record_columns(record)["digest"] == record.digest()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record=records)
def test_a_stored_record_reads_back_with_its_digest(
    sessions: sessionmaker[Session], accounts: Any, now: datetime, record: IncidentRecord
) -> None:
    # Floats, unicode, empty strings and attribute order survive both backends exactly.
    record = replace(record, source_key=f"{next(SERIAL)}-{record.source_key}")
    with sessions.begin() as session:
        session.add(
            IncidentRow(
                id=service.new_incident_id(record.occurred_from),
                dataset="roundtrip",
                owner_organisation_id=accounts.org_id,
                visibility=Visibility.PUBLIC,
                review_state=ReviewState.SUBMITTED,
                current_version=1,
                created_at=now,
                updated_at=now,
                **record_columns(record),
            )
        )
    with sessions() as session:
        stored = session.scalars(
            select(IncidentRow).where(IncidentRow.source_key == record.source_key)
        ).one()
        again = record_of(stored)
    assert again == record
    assert again.digest() == stored.digest == record.digest()


def report(session: Session, accounts: Any, now: datetime, **changes: Any) -> IncidentRow:
    return service.report_incident(
        session,
        record=field_record(**changes),
        owner_org_id=accounts.other_org_id,
        visibility=Visibility.ORGANISATION,
        user_id=accounts.other_user_id,
        now=now,
    )


def test_a_report_is_version_one_submitted_and_audited(
    sessions: sessionmaker[Session], accounts: Any, now: datetime
) -> None:
    with sessions.begin() as session:
        before = audit_count(session)
        row = service.report_incident(
            session,
            record=field_record(),
            owner_org_id=accounts.other_org_id,
            visibility=Visibility.ORGANISATION,
            user_id=accounts.other_user_id,
            now=now,
        )
        assert (row.current_version, row.review_state) == (1, ReviewState.SUBMITTED)
        assert row.dataset == "field/wfp"
        assert row.digest == field_record().digest()
        versions = service.list_versions(session, row.id)
        assert [(v.version, v.action, v.digest) for v in versions] == [
            (1, ChangeKind.REPORT, row.digest)
        ]
        assert audit_count(session) == before + 1
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None
        assert (entry.action, entry.subject) == ("incident.report", f"incident:{row.id}")
        assert entry.details["record_digest"] == row.digest
        with pytest.raises(AlreadyExists, match="team-7/0902-1"):
            service.report_incident(
                session,
                record=field_record(),
                owner_org_id=accounts.other_org_id,
                visibility=Visibility.PUBLIC,
                user_id=accounts.other_user_id,
                now=now,
            )
    with sessions() as session:
        assert verify_chain(session).ok


def test_a_bad_record_is_refused_with_every_field_named(
    sessions: sessionmaker[Session], accounts: Any, now: datetime
) -> None:
    bad = field_record(
        occurred_until=1_725_260_700,
        radius_m=-1.0,
        lat=95.0,
        fatalities=-2,
        notes="a\x00b",
        attributes={"injured": "5", "free text": "\x00", "from JSON": "\ud800"},
    )
    with sessions.begin() as session, pytest.raises(InvalidInput) as caught:
        service.report_incident(
            session,
            record=bad,
            owner_org_id=accounts.other_org_id,
            visibility=Visibility.PUBLIC,
            user_id=accounts.other_user_id,
            now=now,
        )
    assert {p.location for p in caught.value.problems} == {
        "occurred_until",
        "radius_m",
        "lat",
        "fatalities",
        "notes",
        "attributes.free text",
        "attributes.from JSON",
    }
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(IncidentRow)) == 0


def test_a_correction_is_a_version_and_sends_the_report_back_to_review(
    sessions: sessionmaker[Session], accounts: Any, now: datetime
) -> None:
    with sessions.begin() as session:
        row = service.report_incident(
            session,
            record=field_record(),
            owner_org_id=accounts.other_org_id,
            visibility=Visibility.ORGANISATION,
            user_id=accounts.other_user_id,
            now=now,
        )
        row = service.review_incident(
            session,
            incident_id=row.id,
            state=ReviewState.VERIFIED,
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
        incident_id = row.id
    with sessions.begin() as session:
        # The same content and visibility again: nothing happens.
        before = audit_count(session)
        same = service.correct_incident(
            session,
            incident_id=incident_id,
            record=field_record(),
            visibility=Visibility.ORGANISATION,
            expected_version=2,
            user_id=accounts.other_user_id,
            now=now,
        )
        assert (same.current_version, audit_count(session)) == (2, before)
        # Visibility alone: a version, still verified.
        row = service.correct_incident(
            session,
            incident_id=incident_id,
            record=field_record(),
            visibility=Visibility.PUBLIC,
            expected_version=2,
            user_id=accounts.other_user_id,
            now=now,
        )
        assert (row.current_version, row.review_state) == (3, ReviewState.VERIFIED)
        fixed = field_record(fatalities=3)
        row = service.correct_incident(
            session,
            incident_id=incident_id,
            record=fixed,
            visibility=Visibility.PUBLIC,
            expected_version=3,
            user_id=accounts.other_user_id,
            now=now,
        )
        assert (row.current_version, row.review_state, row.fatalities) == (
            4,
            ReviewState.SUBMITTED,
            3,
        )
        assert row.digest == fixed.digest()
        history = service.list_versions(session, incident_id)
        assert [v.action for v in history] == [
            ChangeKind.REPORT,
            ChangeKind.REVIEW,
            ChangeKind.CORRECT,
            ChangeKind.CORRECT,
        ]
        assert history[0].digest == history[2].digest != history[3].digest
        assert record_from_json(history[0].document).fatalities == 2
        assert audit_count(session) == before + 2
        with pytest.raises(VersionConflict):
            service.correct_incident(
                session,
                incident_id=incident_id,
                record=field_record(fatalities=4),
                visibility=Visibility.PUBLIC,
                expected_version=3,
                user_id=accounts.other_user_id,
                now=now,
            )


def test_review_moves_only_from_submitted_and_duplicates_name_an_original(
    sessions: sessionmaker[Session], accounts: Any, now: datetime
) -> None:
    def decide(session: Session, incident_id: str, state: ReviewState, **kw: Any) -> IncidentRow:
        row = service.get_incident(session, incident_id)
        return service.review_incident(
            session,
            incident_id=incident_id,
            state=state,
            expected_version=row.current_version,
            user_id=accounts.user_id,
            now=now,
            **kw,
        )

    with sessions.begin() as session:
        first = report(session, accounts, now, source_key="a").id
        second = report(session, accounts, now, source_key="b").id
        third = report(session, accounts, now, source_key="c").id
    with sessions.begin() as session:
        with pytest.raises(InvalidInput) as missing:
            decide(session, second, ReviewState.DUPLICATE)
        assert missing.value.problems[0].location == "duplicate_of"
        with pytest.raises(InvalidInput, match="itself"):
            decide(session, second, ReviewState.DUPLICATE, duplicate_of=second)
        with pytest.raises(InvalidInput, match="no incident"):
            decide(session, second, ReviewState.DUPLICATE, duplicate_of="inc-nope")
        with pytest.raises(InvalidInput, match="only for state"):
            decide(session, second, ReviewState.VERIFIED, duplicate_of=first)
        with pytest.raises(Conflict, match="submitted"):
            decide(session, second, ReviewState.SUBMITTED)
        row = decide(session, second, ReviewState.DUPLICATE, duplicate_of=first)
        assert (row.review_state, row.duplicate_of, row.current_version) == (
            ReviewState.DUPLICATE,
            first,
            2,
        )
        with pytest.raises(InvalidInput, match=f"duplicate of {first}"):
            decide(session, third, ReviewState.DUPLICATE, duplicate_of=second)
        with pytest.raises(Conflict, match="can become submitted"):
            decide(session, second, ReviewState.VERIFIED)
        row = decide(session, second, ReviewState.SUBMITTED, note="not the same strike")
        assert (row.review_state, row.duplicate_of) == (ReviewState.SUBMITTED, None)
        assert service.list_versions(session, second)[-1].note == "not the same strike"
        with pytest.raises(NotFound):
            service.get_incident(session, "inc-20240902-000000000000")
