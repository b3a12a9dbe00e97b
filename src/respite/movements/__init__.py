"""Humanitarian notifications: static sites, movements, acknowledgements and outcomes.

A notification is information, never a request for permission (:data:`NOTICE`): organisations
tell the parties where their premises are and where and when their convoys will move; the
parties' liaison officers acknowledge receipt; coordinators record how each mission ended in
the OCHA access categories; the access snapshot counts them. There is no approval state.

- :mod:`~respite.movements.model`: the documents (pydantic), pure.
- :mod:`~respite.movements.planning`: route check and fitting departures, pure.
- :mod:`~respite.movements.snapshot`: the access snapshot (JSON, HXL CSV, HTML), pure.
- :mod:`~respite.movements.tables`, :mod:`~respite.movements.service`,
  :mod:`~respite.movements.notices`: storage and services (flush, never commit; every write
  audited); the notices and acknowledgements are shared with static sites (:mod:`respite.sites`).
- :mod:`~respite.movements.views`: the HTTP router; :mod:`~respite.movements.commands`: CLI.
"""

from respite.movements.model import NOTICE, MovementSpec, OutcomeCategory, OutcomeSpec
from respite.movements.planning import Fit, Plan, fitting_departures, plan_movement

__all__ = [
    "NOTICE",
    "Fit",
    "MovementSpec",
    "OutcomeCategory",
    "OutcomeSpec",
    "Plan",
    "fitting_departures",
    "plan_movement",
]
