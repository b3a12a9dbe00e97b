"""The Respite service: ``create_app()`` wires settings, database, cache, routes and errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from respite import __version__
from respite.accounts import views as accounts
from respite.accounts.tokens import principal_of
from respite.api import ledger_views
from respite.api.settings import Settings
from respite.audit.checkpoint import default_key_path
from respite.audit.publish import CheckpointPublisher
from respite.drafts import views as drafts
from respite.httpkit import problems
from respite.incidents import compliance_views
from respite.incidents import views as incidents
from respite.movements import views as movements
from respite.pauses import views as pauses
from respite.publication import feed_views as feeds
from respite.publication import views as public
from respite.publication.cache import PublishedCache
from respite.sites import views as sites
from respite.storage import make_engine, session_factory, upgrade
from respite.web import router as web_router

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over the limit (413), whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = problems.problem_response(
            413,
            "payload-too-large",
            "The request body is too large",
            f"the body is over {self.max_bytes} bytes",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(k.encode(), v.encode()) for k, v in response.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": response.body})


class _TooLarge(StarletteHTTPException):
    """Raised while the body is read. An HTTPException, because FastAPI turns any other error
    raised while it reads the body into 400 "error parsing the body"; this one it re-raises
    and the problem handler answers 413 (BodyLimit answers itself if it escapes the app)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the body is over {max_bytes} bytes")


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    app = FastAPI(
        title="Respite",
        version=__version__,
        summary="Humanitarian pauses: where, when, what for, and the record",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = engine
    app.state.authenticate = principal_of
    app.state.write_sessions = session_factory(engine)
    app.state.read_sessions = session_factory(engine, read_only=True)
    app.state.cache = PublishedCache(
        app.state.read_sessions, check_seconds=settings.cache_check_seconds
    )
    app.state.checkpoints = CheckpointPublisher(
        app.state.read_sessions,
        key_path=Path(settings.ledger_key)
        if settings.ledger_key
        else default_key_path(settings.database_url),
        issuer=settings.base_url,
    )
    problems.install(app)
    # /v1/status is served by a plain Starlette route placed first: it reads its own query
    # parameters, so FastAPI's validation and serialisation layer would be pure overhead on
    # the endpoint that must hold under load. The FastAPI route documents it in OpenAPI.
    app.router.routes.insert(0, Route("/v1/status", public.status, methods=["GET"]))
    app.include_router(public.router)
    app.include_router(pauses.router)
    app.include_router(accounts.router)
    app.include_router(ledger_views.router)
    app.include_router(feeds.router)
    app.include_router(movements.router)
    app.include_router(sites.router)
    app.include_router(incidents.router)
    app.include_router(compliance_views.router)
    app.include_router(drafts.router)
    app.include_router(web_router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
