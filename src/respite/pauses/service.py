"""Pauses in the database: create, amend, edit, read and import, each write audited.

A pause is one ``pauses`` row plus one ``pause_versions`` row per version, each holding the full
:class:`PauseSpec` document as of that version (``PauseSpec.model_dump(mode="json")``, the
spec with its amendments up to that version) and its digest. A change is checked by resolving
the whole new spec with :func:`respite.pauses.resolve.resolve_pause` *before* anything is
written, so an invalid change stores nothing.

Versions are record revisions: creation makes version 1 (or 1..n when the spec already carries
n-1 amendments, as an imported file does), each amendment or edit adds one. While a pause has
no edits, stored version ``k`` is the spec's version ``k``. Concurrent writers are kept apart by
``expected_version``: the version bump is ``UPDATE pauses ... WHERE current_version =
:expected``, and zero rows updated means someone else wrote first (:class:`VersionConflict`).

The caller owns the transaction: these functions flush but never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from respite.accounts.service import get_organisation, get_user
from respite.accounts.tables import User
from respite.audit.canonical import digest
from respite.audit.ledger import append_entry
from respite.errors import AlreadyExists, Conflict, InvalidInput, NotFound, VersionConflict
from respite.geometry import AreaCatalogue
from respite.pauses.fileformat import load_pause_file
from respite.pauses.model import Amendment, PauseSpec
from respite.pauses.queries import get_pause, get_version, list_pauses, list_versions, load_specs
from respite.pauses.resolve import Pause, resolve_pause
from respite.pauses.tables import PauseRow, PauseVersionRow, VersionAction
from respite.storage.types import require_aware
from respite.storage.versioned import bump_version
from respite.validation import problems_from_pydantic

__all__ = [
    "ImportReport",
    "amend_pause",
    "create_pause",
    "edit_pause",
    "get_pause",
    "get_version",
    "import_file",
    "list_pauses",
    "list_versions",
    "load_specs",
]


def create_pause(
    session: Session,
    *,
    spec: PauseSpec,
    owner_org_id: int,
    user_id: int,
    now: datetime,
    catalogue: AreaCatalogue | None = None,
) -> PauseRow:
    """Store a new pause: version 1, plus one version per amendment the spec already has."""
    now = require_aware(now, "now")
    actor = get_user(session, user_id)
    get_organisation(session, owner_org_id)
    if session.get(PauseRow, spec.id) is not None:
        raise AlreadyExists(f"a pause with id {spec.id!r} exists")
    resolved = resolve_pause(spec, catalogue)
    return _insert(session, resolved, owner_org_id=owner_org_id, actor=actor, now=now)


def amend_pause(
    session: Session,
    *,
    pause_id: str,
    amendment: Amendment,
    expected_version: int,
    user_id: int,
    now: datetime,
    catalogue: AreaCatalogue | None = None,
) -> PauseRow:
    """Append ``amendment`` to the pause as it was at ``expected_version``.

    Raises :class:`InvalidInput` if the amended spec does not resolve (nothing is written),
    :class:`VersionConflict` if ``expected_version`` is not current, :class:`NotFound`.
    """
    now = require_aware(now, "now")
    actor = get_user(session, user_id)
    row, base = _base(session, pause_id, expected_version)
    document = dict(base.document)
    document["amendments"] = [*document["amendments"], amendment.model_dump(mode="json")]
    spec = _validated(document, location="amendment")
    return _add_version(
        session,
        row,
        resolve_pause(spec, catalogue),
        action=VersionAction(amendment.action.value),
        base=base,
        source=[amendment.source.model_dump(mode="json")],
        actor=actor,
        now=now,
    )


def edit_pause(
    session: Session,
    *,
    spec: PauseSpec,
    expected_version: int,
    user_id: int,
    now: datetime,
    catalogue: AreaCatalogue | None = None,
) -> PauseRow:
    """Replace the record of pause ``spec.id`` with ``spec`` (a correction, not an event).

    Edits fix what was recorded (a typo, a better source, achieved counts, publishing); changes
    in the world are amendments. The new version's ``effective_at`` is None for that reason.
    """
    now = require_aware(now, "now")
    actor = get_user(session, user_id)
    row, base = _base(session, spec.id, expected_version)
    return _add_version(
        session,
        row,
        resolve_pause(spec, catalogue),
        action=VersionAction.EDIT,
        base=base,
        source=None,
        actor=actor,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Pause ids by what importing a file did to them."""

    created: tuple[str, ...] = ()
    amended: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()


def import_file(
    session: Session, path: str | Path, *, owner_org_id: int, user_id: int, now: datetime
) -> ImportReport:
    """Load a pause file into the database; all or nothing (the caller commits).

    A new pause is created with all its versions. A stored pause whose record the file
    continues (same document, more amendments) gets the new amendments as versions; one the
    file contradicts gets an edit; an identical one is left alone. Pauses of another
    organisation are refused (:class:`Conflict`) before anything is written.
    """
    now = require_aware(now, "now")
    actor = get_user(session, user_id)
    get_organisation(session, owner_org_id)
    pauses = load_pause_file(path)  # raises PauseFileError listing every problem
    stored = {p.id: session.get(PauseRow, p.id) for p in pauses}
    foreign = sorted(i for i, r in stored.items() if r and r.owner_organisation_id != owner_org_id)
    if foreign:
        raise Conflict(f"pauses owned by another organisation: {', '.join(foreign)}")
    report: dict[str, list[str]] = {"created": [], "amended": [], "edited": [], "unchanged": []}
    for pause in pauses:
        row = stored[pause.id]
        if row is None:
            _insert(session, pause, owner_org_id=owner_org_id, actor=actor, now=now)
            report["created"].append(pause.id)
            continue
        current = get_version(session, pause.id)
        outcome = _import_into(session, row, current, pause.spec, user_id=user_id, now=now)
        report[outcome].append(pause.id)
    return ImportReport(**{key: tuple(ids) for key, ids in report.items()})


def _import_into(
    session: Session,
    row: PauseRow,
    current: PauseVersionRow,
    spec: PauseSpec,
    *,
    user_id: int,
    now: datetime,
) -> str:
    document = spec.model_dump(mode="json")
    if digest(document) == current.digest:
        return "unchanged"
    known = len(current.document["amendments"])
    same_start = {**document, "amendments": document["amendments"][:known]}
    if digest(same_start) == current.digest and len(spec.amendments) > known:
        for amendment in spec.amendments[known:]:
            amend_pause(
                session,
                pause_id=spec.id,
                amendment=amendment,
                expected_version=row.current_version,  # re-read: each amendment moves it
                user_id=user_id,
                now=now,
            )
        return "amended"
    edit_pause(session, spec=spec, expected_version=row.current_version, user_id=user_id, now=now)
    return "edited"


# -- internals ---------------------------------------------------------------------------------


def _validated(document: dict[str, Any], *, location: str) -> PauseSpec:
    try:
        return PauseSpec.model_validate(document)
    except ValidationError as error:
        raise InvalidInput(problems_from_pydantic(error, prefix=location)) from None


def _base(session: Session, pause_id: str, expected: int) -> tuple[PauseRow, PauseVersionRow]:
    row = session.get(PauseRow, pause_id)
    if row is None:
        raise NotFound(f"no pause {pause_id!r}")
    base = session.get(PauseVersionRow, (pause_id, expected))
    if base is None:
        raise VersionConflict(f"pause {pause_id!r}", expected=expected, current=row.current_version)
    return row, base


def _effective(pause: Pause, version_index: int) -> datetime | None:
    seconds = pause.versions[version_index].effective_at
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _insert(
    session: Session, pause: Pause, *, owner_org_id: int, actor: User, now: datetime
) -> PauseRow:
    spec = pause.spec
    row = PauseRow(
        id=spec.id,
        owner_organisation_id=owner_org_id,
        current_version=len(pause.versions),
        published=spec.published,
        kind=spec.kind,
        status=pause.latest.status,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    for index in range(len(pause.versions)):
        amendments = spec.amendments[:index]
        document = spec.model_copy(update={"amendments": amendments}).model_dump(mode="json")
        cited = [amendments[-1].source] if amendments else list(spec.sources)
        session.add(
            PauseVersionRow(
                pause_id=spec.id,
                version=index + 1,
                document=document,
                action=VersionAction(amendments[-1].action.value)
                if amendments
                else VersionAction.CREATE,
                effective_at=_effective(pause, index),
                recorded_at=now,
                recorded_by=actor.id,
                source=[s.model_dump(mode="json") for s in cited],
                digest=digest(document),
            )
        )
    session.flush()
    append_entry(
        session,
        at=now,
        actor_user_id=actor.id,
        actor_org_id=actor.organisation_id,
        action="pause.create",
        subject=f"pause:{spec.id}",
        after_digest=digest(spec.model_dump(mode="json")),
        details={"version": row.current_version, "owner_organisation_id": owner_org_id},
    )
    return row


def _add_version(
    session: Session,
    row: PauseRow,
    pause: Pause,
    *,
    action: VersionAction,
    base: PauseVersionRow,
    source: list[Any] | None,
    actor: User,
    now: datetime,
) -> PauseRow:
    expected = base.version
    new_version = expected + 1
    # The concurrency guard lives in SQL (respite.storage.versioned): of two writers that read
    # the same version, the second one's UPDATE matches no row.
    bump_version(
        session,
        PauseRow,
        row.id,
        expected=expected,
        subject=f"pause {row.id!r}",
        values={
            "published": pause.spec.published,
            "kind": pause.spec.kind,
            "status": pause.latest.status,
            "updated_at": now,
        },
    )
    session.expire(row)
    document = pause.spec.model_dump(mode="json")
    after = digest(document)
    session.add(
        PauseVersionRow(
            pause_id=row.id,
            version=new_version,
            document=document,
            action=action,
            effective_at=None if action is VersionAction.EDIT else _effective(pause, -1),
            recorded_at=now,
            recorded_by=actor.id,
            source=source,
            digest=after,
        )
    )
    session.flush()
    append_entry(
        session,
        at=now,
        actor_user_id=actor.id,
        actor_org_id=actor.organisation_id,
        action="pause.edit" if action is VersionAction.EDIT else "pause.amend",
        subject=f"pause:{row.id}",
        before_digest=base.digest,
        after_digest=after,
        details={"version": new_version, "action": action.value},
    )
    return row
