"""The planner is pure library: importing it (and solving) loads no web or database code."""

from __future__ import annotations

import subprocess
import sys

import respite.planner

PROBE = """
import sys
import respite.planner, respite.planner.examples, respite.planner.page, respite.planner.writers
import respite.planner.whatif, respite.planner.vrptw
banned = [m for m in sys.modules if m.split('.')[0] in {'fastapi', 'starlette', 'sqlalchemy',
          'alembic', 'psycopg', 'uvicorn'} or m.startswith(('respite.api', 'respite.storage'))]
print(','.join(sorted(banned)))
"""


def test_importing_the_planner_loads_no_web_or_database_module() -> None:
    found = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == ""


def test_every_exported_name_exists_and_is_not_a_module() -> None:
    for name in respite.planner.__all__:
        value = getattr(respite.planner, name)
        assert not isinstance(value, type(respite)), name
    assert {"plan", "PlanningProblem", "MaxRuntime", "Reason"} <= set(respite.planner.__all__)
