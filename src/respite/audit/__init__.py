"""The audit ledger: append-only, hash-chained, verified from the stored rows alone."""

from respite.audit.canonical import canonical_json, digest, sha256_hex
from respite.audit.ledger import (
    GENESIS_HASH,
    ChainProblem,
    Fault,
    VerifyReport,
    append_entry,
    entry_fields,
    entry_hash,
    verify_chain,
)
from respite.errors import LedgerError

__all__ = [
    "GENESIS_HASH",
    "ChainProblem",
    "Fault",
    "LedgerError",
    "VerifyReport",
    "append_entry",
    "canonical_json",
    "digest",
    "entry_fields",
    "entry_hash",
    "sha256_hex",
    "verify_chain",
]
