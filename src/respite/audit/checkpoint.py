"""Signed checkpoints of the ledger's head: a ledger that can be checked from outside.

The hash chain (:mod:`respite.audit.ledger`) finds any edit that leaves the chain broken, but
whoever holds the database can drop the triggers and rewrite every entry *and* every hash
after it consistently. A checkpoint anchors the chain outside the database::

    {"format": "respite-ledger-checkpoint/1", "issuer": "https://...", "seq": 412,
     "entry_hash": "9f2c...", "at": "2026-12-04T21:30:00Z", "key_id": "6a1e...",
     "signature": "<Ed25519 over the canonical JSON of the other fields, base64url>"}

It says "entry 412 of this service's ledger had this hash at that time", signed with the
service's Ed25519 key. Copies are published (``GET /v1/audit/checkpoint``, inside the Atom
feed, ``respite audit checkpoint --out FILE``) and kept by whoever wants to: partners, feed
archives, the static edition. Later, :func:`check_extends` recomputes the chain up to that
seq and compares: a ledger rewritten anywhere at or before the checkpoint's entry gives a
different hash there, and the rewriter cannot sign a replacement for copies already held
elsewhere. The signature binds the checkpoint to the service's key, so a checkpoint cannot be
made up by someone else to accuse the operator (nor disowned by the operator).

The key is a PKCS#8 PEM file created on first use with mode 0600 (:func:`load_or_create_key`);
its public half is published as a key document (:meth:`LedgerKey.public_document`) at
``/.well-known/respite-ledger-key``. What this proves and what it does not is in
``docs/security.md``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from respite.audit.canonical import canonical_json
from respite.audit.ledger import VerifyReport, verify_chain
from respite.errors import CheckpointRefused, InvalidInput
from respite.storage.db import database_url

FORMAT = "respite-ledger-checkpoint/1"
KEY_FORMAT = "respite-ledger-key/1"
ALGORITHM = "Ed25519"
#: The fields a checkpoint's signature covers, in the order documents show them.
SIGNED_FIELDS = ("format", "issuer", "seq", "entry_hash", "at", "key_id")
_HASH_CHARS = frozenset("0123456789abcdef")
ATOM_NS = "http://www.w3.org/2005/Atom"
#: The Atom extension element respite.feeds.atom writes the checkpoint into.
CHECKPOINT_NS = "urn:respite:ledger-checkpoint:1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str, location: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput("is not base64url", location=location) from None


def key_id(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class TrustedKey:
    """A public key a verifier trusts, with its id."""

    public: Ed25519PublicKey
    key_id: str


@dataclass(frozen=True)
class LedgerKey:
    """The service's signing key."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def trusted(self) -> TrustedKey:
        public = self.private.public_key()
        return TrustedKey(public, key_id(public))

    def public_document(self) -> dict[str, str]:
        """What ``/.well-known/respite-ledger-key`` serves."""
        public = self.private.public_key()
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {
            "format": KEY_FORMAT,
            "algorithm": ALGORITHM,
            "key_id": key_id(public),
            "public_key": _b64(raw),
            "public_key_pem": pem.decode("ascii"),
        }

    def sign(self, *, issuer: str, seq: int, entry_hash: str, at: datetime) -> dict[str, Any]:
        """A checkpoint document for the ledger's entry ``seq`` whose hash is ``entry_hash``."""
        payload: dict[str, Any] = {
            "format": FORMAT,
            "issuer": issuer,
            "seq": seq,
            "entry_hash": entry_hash,
            "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key_id": self.trusted.key_id,
        }
        signature = self.private.sign(canonical_json(payload).encode("utf-8"))
        return payload | {"signature": _b64(signature)}


def load_or_create_key(path: Path) -> LedgerKey:
    """The key at ``path``, made there first if there is none (mode 0600, never replaced).

    Created under a temporary name and linked into place, so two processes starting at once
    end up with the same key (the loser of the race reads the winner's).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(pem)
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 private key", location="ledger_key")
    return LedgerKey(private, path)


def default_key_path(database: str | None) -> Path | None:
    """Where a deployment's key lives unless configured: beside a SQLite database file
    (``var/respite.db`` -> ``var/respite-ledger-key.pem``); None for a server database, whose
    key needs a configured path (``RESPITE_LEDGER_KEY``; ``respite serve`` picks ``./var``)."""
    url = database_url(database)
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    file = Path(name)
    return file.with_name(f"{file.stem}-ledger-key.pem")


# -- reading and checking ----------------------------------------------------------------------


def trusted_key(data: bytes, *, location: str = "key") -> TrustedKey:
    """A public key from a key document (JSON, as published) or a PEM public key."""
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
            raw = _unb64(str(document["public_key"]), f"{location}.public_key")
            public = Ed25519PublicKey.from_public_bytes(raw)
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                "is not a Respite ledger key document (JSON with public_key)", location=location
            ) from None
    else:
        try:
            loaded = serialization.load_pem_public_key(data)
        except ValueError:
            raise InvalidInput(
                "is neither a key document nor a PEM key", location=location
            ) from None
        if not isinstance(loaded, Ed25519PublicKey):
            raise InvalidInput("is not an Ed25519 public key", location=location)
        public = loaded
    return TrustedKey(public, key_id(public))


def checkpoint_in_feed(data: bytes, *, location: str = "feed") -> str:
    """The checkpoint JSON an Atom feed carries (see :func:`respite.feeds.atom.cap_atom_feed`).

    A document type declaration is refused before parsing: a feed has no need of one, and
    entity definitions are how XML bombs work.
    """
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise InvalidInput("an Atom feed must not declare a document type", location=location)
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD (refused above), so no entities
    except ET.ParseError as error:
        raise InvalidInput(f"is not well-formed XML ({error})", location=location) from None
    found = root.find(f"{{{CHECKPOINT_NS}}}checkpoint")
    if root.tag != f"{{{ATOM_NS}}}feed" or found is None or not found.text:
        raise InvalidInput("is not an Atom feed carrying a ledger checkpoint", location=location)
    return found.text


def read_checkpoint(data: bytes, *, location: str = "checkpoint") -> dict[str, Any]:
    """A checkpoint document from its JSON, or from an Atom feed that carries one."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if text.startswith("<"):
        text = checkpoint_in_feed(data, location=location)
    try:
        document = json.loads(text)
    except ValueError:
        raise InvalidInput("is neither JSON nor an Atom feed", location=location) from None
    if not isinstance(document, dict):
        raise InvalidInput("must be a JSON object", location=location)
    problems = []
    if document.get("format") != FORMAT:
        problems.append(f"{location}.format: must be {FORMAT!r}")
    seq = document.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**63:
        problems.append(f"{location}.seq: must be an integer from 0 to 2^63-1")
    entry = document.get("entry_hash")
    if not isinstance(entry, str) or len(entry) != 64 or not set(entry) <= _HASH_CHARS:
        problems.append(f"{location}.entry_hash: must be 64 lower-case hex digits")
    for name in ("issuer", "at", "key_id", "signature"):
        if not isinstance(document.get(name), str):
            problems.append(f"{location}.{name}: must be a string")
    if problems:
        raise InvalidInput("; ".join(problems), location=location)
    return document


def check_signature(document: Mapping[str, Any], trusted: TrustedKey) -> None:
    """Raise :class:`CheckpointRefused` unless ``trusted`` signed exactly this document."""
    if document["key_id"] != trusted.key_id:
        raise CheckpointRefused(
            f"the checkpoint is signed by key {document['key_id']}, not by the trusted key "
            f"{trusted.key_id}"
        )
    payload = {name: document[name] for name in SIGNED_FIELDS}
    signature = _unb64(str(document["signature"]), "checkpoint.signature")
    try:
        trusted.public.verify(signature, canonical_json(payload).encode("utf-8"))
    except InvalidSignature:
        raise CheckpointRefused(
            "the checkpoint's signature does not match its content: it was altered"
        ) from None


def check_extends(session: Session, document: Mapping[str, Any]) -> VerifyReport:
    """Recompute the whole chain, with the checkpoint's entry hash as an anchor: the report
    has an ``anchor_mismatch`` problem when the ledger no longer extends the checkpoint."""
    seq = int(document["seq"])
    anchors = {seq: str(document["entry_hash"])} if seq > 0 else {}
    return verify_chain(session, anchors=anchors)
