"""The movement planner: convoys, evacuations and vaccination teams scheduled into pauses.

A pure library (no web, no database): a :class:`PlanningProblem` in, :func:`plan` solves it
with PyVRP within a budget (:class:`MaxRuntime`, :class:`MaxIterations`) and a seed, and a
:class:`PlanResult` out, with timed routes, the windows each stretch is driven under, and what
will not fit with its binding :class:`Reason`. How the pause rules map onto PyVRP is told in
:mod:`respite.planner.build` and ``docs/planner.md``.
"""

from respite.planner.model import Cargo as Cargo
from respite.planner.model import Depot as Depot
from respite.planner.model import Destination as Destination
from respite.planner.model import Evacuation as Evacuation
from respite.planner.model import PlanningProblem as PlanningProblem
from respite.planner.model import RoadNetwork as RoadNetwork
from respite.planner.model import TravelMatrix as TravelMatrix
from respite.planner.model import VehicleKind as VehicleKind
from respite.planner.model import Window as Window
from respite.planner.plan import plan as plan
from respite.planner.result import Leg as Leg
from respite.planner.result import PlannedRoute as PlannedRoute
from respite.planner.result import PlanResult as PlanResult
from respite.planner.result import Reason as Reason
from respite.planner.result import Shortfall as Shortfall
from respite.planner.result import Stop as Stop
from respite.planner.stop import MaxIterations as MaxIterations
from respite.planner.stop import MaxRuntime as MaxRuntime

__all__ = [
    "Cargo",
    "Depot",
    "Destination",
    "Evacuation",
    "Leg",
    "MaxIterations",
    "MaxRuntime",
    "PlanResult",
    "PlannedRoute",
    "PlanningProblem",
    "Reason",
    "RoadNetwork",
    "Shortfall",
    "Stop",
    "TravelMatrix",
    "VehicleKind",
    "Window",
    "plan",
]
