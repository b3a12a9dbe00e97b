"""The ledger's public anchors over HTTP: its signing key and a signed checkpoint of its head.

Both are public on purpose: a checkpoint says only how many entries the ledger has and the
hash of the last one (no content), and it is worth something only if many people can keep a
copy. The entries themselves stay behind ``GET /v1/audit`` (admin, observer).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from respite.audit.publish import CHECKPOINT_PATH, CheckpointPublisher
from respite.errors import LedgerUnavailable
from respite.httpkit.problems import PROBLEM_JSON, problem_response

router = APIRouter(tags=["audit"])
KEY_PATH = "/.well-known/respite-ledger-key"
_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "no key is configured, or the ledger fails verification",
        "content": {PROBLEM_JSON: {}},
    }
}


def publisher(request: Request) -> CheckpointPublisher:
    found: CheckpointPublisher = request.app.state.checkpoints
    return found


def _unavailable(request: Request, error: LedgerUnavailable) -> Response:
    return problem_response(
        503, "ledger-unavailable", "No ledger checkpoint", str(error), instance=request.url.path
    )


@router.get(KEY_PATH, responses=_UNAVAILABLE)
async def ledger_key(request: Request) -> Response:
    """The Ed25519 public key that signs this service's ledger checkpoints."""
    try:
        key = await run_in_threadpool(publisher(request).key)
    except LedgerUnavailable as error:
        return _unavailable(request, error)
    return JSONResponse(key.public_document(), headers={"Cache-Control": "public, max-age=3600"})


@router.get(CHECKPOINT_PATH, responses=_UNAVAILABLE)
async def checkpoint(request: Request) -> Response:
    """A signed checkpoint of the ledger's head (at most a minute old): keep a copy, and check
    later with ``respite audit verify --checkpoint FILE`` that the ledger still extends it."""
    try:
        signed = await run_in_threadpool(publisher(request).current)
    except LedgerUnavailable as error:
        return _unavailable(request, error)
    return JSONResponse(signed, headers={"Cache-Control": "public, max-age=60"})
