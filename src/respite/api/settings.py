"""Service settings, read once from the environment (``RESPITE_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL; None means ``$RESPITE_DATABASE_URL`` or the embedded SQLite file.
    database_url: str | None = None
    #: The scenario loaded into an empty database on first start ("" for none).
    scenario: str = "gaza-2023-2024"
    #: Public base URL, used in feeds' self links and CAP references.
    base_url: str = "http://127.0.0.1:8000"
    #: CAP ``sender`` (no spaces, commas or ampersands).
    cap_sender: str = "respite@127.0.0.1"
    #: Largest request body accepted, in bytes (a pause with big zones fits well within).
    max_body_bytes: int = 2 * 1024 * 1024
    #: How long a worker may serve from its pause cache before checking for changes (s).
    cache_check_seconds: float = 1.0
    #: Status answers' Cache-Control max-age (s): short, since amendments change answers.
    status_max_age: int = 30
    #: Languages every text of a recorded pause must have (``RESPITE_REQUIRED_LANGUAGES``,
    #: e.g. ``en,ar``); English always, since the model requires it.
    required_languages: tuple[str, ...] = ("en",)
    #: The ledger's signing key (PEM, created on first use); None: beside a SQLite database
    #: file, and none for a server database (see respite.audit.checkpoint.default_key_path).
    ledger_key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        defaults = cls()
        return cls(
            database_url=env.get("RESPITE_DATABASE_URL") or None,
            scenario=env.get("RESPITE_SCENARIO", defaults.scenario),
            base_url=env.get("RESPITE_BASE_URL", defaults.base_url).rstrip("/"),
            cap_sender=env.get("RESPITE_CAP_SENDER", defaults.cap_sender),
            required_languages=_languages(env.get("RESPITE_REQUIRED_LANGUAGES")),
            ledger_key=env.get("RESPITE_LEDGER_KEY") or None,
        )


def _languages(value: str | None) -> tuple[str, ...]:
    listed = [tag.strip() for tag in (value or "").split(",") if tag.strip()]
    return tuple(dict.fromkeys(["en", *listed]))
