"""The public map: an offline-capable page, its assets, and printable and SMS forms of pauses.

``respite.web.router`` is the FastAPI router; the page's bundle is built from npm packages by
``frontend/build.mjs`` into ``static/dist`` (``scripts/setup`` runs it).
"""

from respite.web.routes import router

__all__ = ["router"]
