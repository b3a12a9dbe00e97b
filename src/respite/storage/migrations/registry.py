"""Every domain's tables on one metadata: what Alembic compares the migrations against.

The migrations (and the tests that compare them with the models) import this one module, not
each domain; a new domain's ``tables.py`` is added here.
"""

from respite.accounts import tables as accounts
from respite.audit import tables as audit
from respite.incidents import tables as incidents
from respite.movements import tables as movements
from respite.pauses import tables as pauses
from respite.sites import tables as sites
from respite.storage.base import Base

metadata = Base.metadata

__all__ = ["accounts", "audit", "incidents", "metadata", "movements", "pauses", "sites"]
