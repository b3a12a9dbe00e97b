"""Pause service on both backends: versions, digests, concurrency guard, nothing half-written."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from respite.audit import canonical_json, digest, sha256_hex, verify_chain
from respite.audit.tables import AuditEntry
from respite.errors import AlreadyExists, InvalidInput, NotFound, VersionConflict
from respite.pauses.model import PauseKind, PauseSpec, PauseStatus
from respite.pauses.service import (
    amend_pause,
    create_pause,
    edit_pause,
    get_pause,
    get_version,
    list_pauses,
    list_versions,
    load_specs,
)
from respite.pauses.tables import PauseRow, PauseVersionRow, VersionAction
from respite.scenarios import load_scenario

TRUCE = "truce-2023-11-24"


def _state(session: Session, pause_id: str = TRUCE) -> tuple[int | None, int, int]:
    """(current version, number of stored versions, number of audit entries)."""
    current = session.scalar(select(PauseRow.current_version).where(PauseRow.id == pause_id))
    versions = session.scalar(
        select(func.count())
        .select_from(PauseVersionRow)
        .where(PauseVersionRow.pause_id == pause_id)
    )
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    return current, versions or 0, entries or 0


@pytest.fixture
def stored_truce(sessions, accounts, truce_announced, now) -> PauseSpec:
    with sessions.begin() as session:
        create_pause(
            session,
            spec=truce_announced,
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=now,
        )
    return truce_announced


def test_create_stores_version_one_with_its_digest(sessions, stored_truce, accounts, now) -> None:
    with sessions.begin() as session:
        row = session.get(PauseRow, TRUCE)
        version = get_version(session, TRUCE)
        assert get_pause(session, TRUCE) == stored_truce
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert row is not None
    assert (row.current_version, row.kind, row.status, row.published) == (
        1,
        PauseKind.TRUCE,
        PauseStatus.ANNOUNCED,
        True,
    )
    assert (row.created_at, row.updated_at) == (now, now)
    document = stored_truce.model_dump(mode="json")
    assert version.document == document
    assert version.digest == sha256_hex(canonical_json(document))
    assert version.action is VersionAction.CREATE
    assert version.effective_at == datetime(2023, 11, 22, 4, 0, tzinfo=UTC)  # 06:00 Asia/Gaza
    assert version.recorded_by == accounts.user_id
    assert version.source == [s.model_dump(mode="json") for s in stored_truce.sources]
    assert entry is not None
    assert (entry.action, entry.subject, entry.after_digest) == (
        "pause.create",
        f"pause:{TRUCE}",
        version.digest,
    )
    assert (entry.actor_user_id, entry.actor_org_id) == (accounts.user_id, accounts.org_id)


def test_extend_with_the_right_version_stores_version_two(
    sessions, stored_truce, truce, accounts, now
) -> None:
    extension = truce.amendments[0]
    with sessions.begin() as session:
        row = amend_pause(
            session,
            pause_id=TRUCE,
            amendment=extension,
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
        assert row.current_version == 2
    with sessions.begin() as session:
        version = get_version(session, TRUCE, version=2)
        first = get_version(session, TRUCE, version=1)
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert get_pause(session, TRUCE).amendments == (extension,)
        assert get_pause(session, TRUCE, version=1) == stored_truce
    expected = truce.model_copy(update={"amendments": (extension,)}).model_dump(mode="json")
    assert version.document == expected
    assert version.digest == digest(expected)
    assert version.action is VersionAction.EXTEND
    assert version.effective_at == datetime(2023, 11, 27, 18, 0, tzinfo=UTC)  # 20:00 local
    assert version.source == [extension.source.model_dump(mode="json")]
    assert entry is not None
    assert entry.action == "pause.amend"
    assert (entry.before_digest, entry.after_digest) == (first.digest, version.digest)
    assert entry.details == {"version": 2, "action": "extend"}


def test_stale_version_conflicts_and_changes_nothing(
    sessions, stored_truce, truce, accounts, now
) -> None:
    with sessions.begin() as session:
        amend_pause(
            session,
            pause_id=TRUCE,
            amendment=truce.amendments[0],
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
        before = _state(session)
    # A second client still holding version 1 sends the same extension.
    with pytest.raises(VersionConflict) as caught, sessions.begin() as session:
        amend_pause(
            session,
            pause_id=TRUCE,
            amendment=truce.amendments[0],
            expected_version=1,
            user_id=accounts.other_user_id,
            now=now,
        )
    assert (caught.value.expected, caught.value.current) == (1, 2)
    with sessions.begin() as session:
        assert _state(session) == before == (2, 2, before[2])


def test_expected_version_from_the_future_conflicts(sessions, stored_truce, truce, accounts, now):
    with pytest.raises(VersionConflict), sessions.begin() as session:
        amend_pause(
            session,
            pause_id=TRUCE,
            amendment=truce.amendments[0],
            expected_version=5,
            user_id=accounts.user_id,
            now=now,
        )


def test_of_two_simultaneous_amendments_one_wins(
    sessions, stored_truce, truce, accounts, now
) -> None:
    start = threading.Barrier(2)

    def amend(user_id: int) -> str:
        start.wait()
        try:
            with sessions.begin() as session:
                amend_pause(
                    session,
                    pause_id=TRUCE,
                    amendment=truce.amendments[0],
                    expected_version=1,
                    user_id=user_id,
                    now=now,
                )
        except VersionConflict:
            return "conflict"
        return "stored"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(amend, [accounts.user_id, accounts.other_user_id]))
    assert sorted(outcomes) == ["conflict", "stored"]
    with sessions.begin() as session:
        assert _state(session)[:2] == (2, 2)
        assert verify_chain(session).ok


def test_invalid_amendment_stores_nothing(sessions, stored_truce, truce, accounts, now) -> None:
    # "Extend" to a time before the current end (07:00 on 28 November).
    earlier = truce.amendments[0].model_copy(update={"until": datetime(2023, 11, 26, 7, 0)})
    with sessions.begin() as session:
        before = _state(session)
    with pytest.raises(InvalidInput, match="later than") as caught, sessions.begin() as session:
        amend_pause(
            session,
            pause_id=TRUCE,
            amendment=earlier,
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
    assert caught.value.problems[0].location == "amendments[0].until"
    with sessions.begin() as session:
        assert _state(session) == before == (1, 1, before[2])
        assert session.get(PauseVersionRow, (TRUCE, 2)) is None


def test_misnumbered_amendment_is_invalid(sessions, stored_truce, truce, accounts, now) -> None:
    with pytest.raises(InvalidInput, match="numbered") as caught, sessions.begin() as session:
        amend_pause(
            session,
            pause_id=TRUCE,
            amendment=truce.amendments[1],  # version 3, offered as the change to version 1
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
    assert caught.value.problems[0].location.startswith("amendment")


def test_unknown_pause_is_not_found(sessions, accounts, truce, now) -> None:
    with pytest.raises(NotFound), sessions.begin() as session:
        amend_pause(
            session,
            pause_id="no-such-pause",
            amendment=truce.amendments[0],
            expected_version=1,
            user_id=accounts.user_id,
            now=now,
        )
    with pytest.raises(NotFound), sessions.begin() as session:
        get_pause(session, TRUCE)


def test_creating_an_existing_id_conflicts(sessions, stored_truce, accounts, now) -> None:
    with pytest.raises(AlreadyExists), sessions.begin() as session:
        create_pause(
            session,
            spec=stored_truce,
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=now,
        )


def test_invalid_spec_is_refused_before_writing(sessions, truce_announced, accounts, now) -> None:
    part = truce_announced.parts[0]
    bad_zone = part.zone.model_copy(update={"governorates": ("Atlantis",)})
    bad = truce_announced.model_copy(
        update={"parts": (part.model_copy(update={"zone": bad_zone}),)}
    )
    with sessions.begin() as session:
        entries = _state(session)[2]
    with pytest.raises(InvalidInput, match=r"parts\[0\]\.zone"), sessions.begin() as session:
        create_pause(
            session, spec=bad, owner_org_id=accounts.org_id, user_id=accounts.user_id, now=now
        )
    with sessions.begin() as session:
        assert _state(session) == (None, 0, entries)


def test_a_spec_with_amendments_is_stored_version_by_version(
    sessions, truce, accounts, now
) -> None:
    with sessions.begin() as session:
        row = create_pause(
            session, spec=truce, owner_org_id=accounts.org_id, user_id=accounts.user_id, now=now
        )
        assert (row.current_version, row.status) == (4, PauseStatus.ENDED)
    with sessions.begin() as session:
        versions = list_versions(session, TRUCE)
        assert get_pause(session, TRUCE) == truce
        assert len(get_pause(session, TRUCE, version=2).amendments) == 1
    assert [v.action for v in versions] == [
        VersionAction.CREATE,
        VersionAction.EXTEND,
        VersionAction.EXTEND,
        VersionAction.END,
    ]
    assert versions[-1].effective_at == datetime(2023, 12, 1, 5, 0, tzinfo=UTC)
    assert len({v.digest for v in versions}) == 4


def test_every_scenario_pause_round_trips(sessions, accounts, now) -> None:
    specs = [pause.spec for pause in load_scenario()]
    with sessions.begin() as session:
        for spec in specs:
            create_pause(
                session, spec=spec, owner_org_id=accounts.org_id, user_id=accounts.user_id, now=now
            )
    with sessions.begin() as session:
        assert load_specs(session, published_only=False) == sorted(specs, key=lambda s: s.id)


def test_list_pauses_filters(sessions, accounts, now) -> None:
    specs = {pause.id: pause.spec for pause in load_scenario()}
    draft = specs["jabalia-tactical-pause-2023-11-11"].model_copy(update={"published": False})
    specs[draft.id] = draft
    with sessions.begin() as session:
        for spec in specs.values():
            create_pause(
                session, spec=spec, owner_org_id=accounts.org_id, user_id=accounts.user_id, now=now
            )
    with sessions.begin() as session:
        everything = list_pauses(session, published_only=False)
        published = list_pauses(session, published_only=True)
        tactical = list_pauses(session, kinds={PauseKind.TACTICAL_PAUSE}, published_only=False)
        ended = list_pauses(session, statuses={PauseStatus.ENDED}, published_only=True)
        public_specs = load_specs(session, published_only=True)
    assert [r.id for r in everything] == sorted(specs)
    assert draft.id not in [r.id for r in published]
    assert len(published) == len(specs) - 1
    assert [r.id for r in tactical] == [draft.id, "kerem-shalom-road-tactical-pause-2024-06"]
    assert [r.id for r in ended] == [TRUCE]
    assert draft.id not in [s.id for s in public_specs]


def test_edit_records_a_correction(sessions, stored_truce, accounts, now) -> None:
    corrected = stored_truce.model_copy(update={"tags": ("hostage-exchange",), "published": False})
    with sessions.begin() as session:
        row = edit_pause(
            session, spec=corrected, expected_version=1, user_id=accounts.user_id, now=now
        )
        assert (row.current_version, row.published) == (2, False)
    with sessions.begin() as session:
        version = get_version(session, TRUCE)
        assert get_pause(session, TRUCE) == corrected
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (version.action, version.effective_at, version.source) == (
        VersionAction.EDIT,
        None,
        None,
    )
    assert entry is not None
    assert entry.action == "pause.edit"


def test_naive_now_is_refused(sessions, accounts, truce_announced) -> None:
    with pytest.raises(ValueError, match="timezone-aware"), sessions.begin() as session:
        create_pause(
            session,
            spec=truce_announced,
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=datetime(2025, 1, 1),  # naive on purpose
        )
