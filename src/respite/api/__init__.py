"""The HTTP service (FastAPI): ``create_app()``; see :mod:`respite.api.app`."""

from respite.api.app import create_app
from respite.api.settings import Settings

__all__ = ["Settings", "create_app"]
