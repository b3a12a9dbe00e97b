"""Importing pause files: create, continue with new amendments, edit, leave alone; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from respite.audit import verify_chain
from respite.audit.tables import AuditEntry
from respite.errors import Conflict, PauseFileError
from respite.pauses.model import PauseSpec
from respite.pauses.service import create_pause, get_pause, import_file, list_pauses, list_versions
from respite.pauses.tables import VersionAction
from respite.scenarios import load_scenario, scenario_text

TRUCE = "truce-2023-11-24"


def _entries(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _pause_file(path: Path, *specs: PauseSpec) -> Path:
    document = {"format": "respite-pauses/1", "pauses": [s.model_dump(mode="json") for s in specs]}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_creates_continues_edits_and_leaves_alone(
    sessions, accounts, truce, now, tmp_path
) -> None:
    early = _pause_file(
        tmp_path / "early.json", truce.model_copy(update={"amendments": truce.amendments[:1]})
    )
    full = tmp_path / "scenario.yaml"
    full.write_text(scenario_text(), encoding="utf-8")
    renamed_name = truce.name.model_copy(update={"en": "The November truce"})
    renamed = _pause_file(
        tmp_path / "renamed.json", truce.model_copy(update={"name": renamed_name})
    )
    kw = {"owner_org_id": accounts.org_id, "user_id": accounts.user_id, "now": now}
    with sessions.begin() as session:
        first = import_file(session, early, **kw)
        assert first.created == (TRUCE,)
        second = import_file(session, full, **kw)
        assert second.amended == (TRUCE,)
        assert len(second.created) == 4
        assert import_file(session, full, **kw).unchanged == tuple(p.id for p in load_scenario())
        assert import_file(session, renamed, **kw).edited == (TRUCE,)
    with sessions.begin() as session:
        actions = [v.action for v in list_versions(session, TRUCE)]
        assert get_pause(session, TRUCE).name.en == "The November truce"
        assert verify_chain(session).ok
    assert actions == [
        VersionAction.CREATE,
        VersionAction.EXTEND,
        VersionAction.EXTEND,
        VersionAction.END,
        VersionAction.EDIT,
    ]


def test_import_is_all_or_nothing(sessions, accounts, now, data_dir) -> None:
    with sessions.begin() as session:
        entries = _entries(session)
    with pytest.raises(PauseFileError), sessions.begin() as session:
        import_file(
            session,
            data_dir / "bad-pauses.yaml",
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=now,
        )
    with sessions.begin() as session:
        assert list_pauses(session, published_only=False) == []
        assert _entries(session) == entries


def test_import_refuses_another_organisations_pause(
    sessions, truce_announced, accounts, now, tmp_path
) -> None:
    with sessions.begin() as session:
        create_pause(
            session,
            spec=truce_announced,
            owner_org_id=accounts.org_id,
            user_id=accounts.user_id,
            now=now,
        )
    path = _pause_file(tmp_path / "theirs.json", truce_announced)
    with pytest.raises(Conflict, match=TRUCE), sessions.begin() as session:
        import_file(
            session,
            path,
            owner_org_id=accounts.other_org_id,
            user_id=accounts.other_user_id,
            now=now,
        )
