"""A pause's status, derived from its parts' (defined once, here).

=========================================================  =======================
the parts (final = ended or cancelled)                     the pause
=========================================================  =======================
all draft                                                  ``draft``
all cancelled                                              ``cancelled``
all final (some ended)                                     ``ended``
the parts not final all share one status S                 S (``suspended``, ...)
some not final running (announced/broken), others postponed ``partially_postponed``
some running, others suspended (or suspended and postponed) ``partially_suspended``
none running, some suspended and some postponed            ``suspended``
otherwise (running parts, possibly some final)             ``announced``
=========================================================  =======================

A part that ended while others run does not make the pause "partial": the polio round 1 zones
each had their own days. Postponing one phase does (polio round 2, 23 Oct 2024).
"""

from __future__ import annotations

from collections.abc import Iterable

from respite.pauses.model import PartStatus, PauseStatus

_RUNNING = frozenset({PartStatus.ANNOUNCED, PartStatus.BROKEN})
_HALTED = frozenset({PartStatus.SUSPENDED, PartStatus.POSTPONED})


def derive(statuses: Iterable[PartStatus]) -> PauseStatus:
    """The pause status for these part statuses (see the table above)."""
    every = list(statuses)
    if not every:
        return PauseStatus.ENDED
    kinds = set(every)
    if kinds == {PartStatus.DRAFT}:
        return PauseStatus.DRAFT
    if kinds == {PartStatus.CANCELLED}:
        return PauseStatus.CANCELLED
    live = {s for s in kinds if not s.is_final}
    if not live:
        return PauseStatus.ENDED
    if len(live) == 1:
        return PauseStatus(next(iter(live)).value)
    halted = live & _HALTED
    if live & _RUNNING and halted:
        if halted == {PartStatus.POSTPONED}:
            return PauseStatus.PARTIALLY_POSTPONED
        return PauseStatus.PARTIALLY_SUSPENDED
    if halted and not live & _RUNNING:
        return PauseStatus.SUSPENDED
    return PauseStatus.ANNOUNCED


def first_part_status(status: PauseStatus) -> PartStatus:
    """The status version 1's parts take from the pause's recorded ``status``."""
    return PartStatus(status.value)
