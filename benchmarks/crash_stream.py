"""The client side of the crash cycles: a cast of users and a stream of mixed writes.

:func:`make_cast` creates, through the API and as the administrator, an aid organisation
(whose member notifies movements and reports incidents) and a party organisation (whose
liaison acknowledges them). :class:`Writer` threads then send writes as fast as the server
answers, each one of five kinds: a new pause, an amendment of a pause (``extend`` with
``If-Match``), a movement notification, a party's acknowledgement of a movement, a field
report of an incident. Every write ends in one of three ways, recorded in :class:`Tally`:

* **acknowledged**: the server answered 201, so the write is durable and must be found after
  any crash (:class:`Expected` says what exactly must be found);
* **in flight**: the connection died before an answer (the server was killed), so the write
  may or may not have landed, but if it did it must be whole;
* **refused**: a 4xx the stream expects in normal operation (412 when an in-flight amendment
  had landed after all); anything else stops the run as a harness or server bug.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

#: Relative frequency of each kind of write in the stream.
MIX = {"pause": 3, "amendment": 3, "movement": 2, "acknowledgement": 2, "incident": 3}
#: Answers that mean the server is gone (killed); any other transport error is a bug.
DEAD = (httpx.TransportError,)


class StreamError(Exception):
    """The server answered something the stream never expects (a 5xx, an odd 4xx)."""


@dataclass(frozen=True)
class Expected:
    """What an acknowledged write left in the store: ``kind``, the subject's id, and the
    version (pauses, movements), the party organisation (acknowledgements) or reference."""

    kind: str
    subject: str
    version: int = 1
    party_org_id: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Cast:
    admin: str
    member: str
    liaison: str
    party_org_id: int


@dataclass
class Tally:
    """Every write's outcome, shared by the writer threads (under ``lock``)."""

    cast: Cast
    acknowledged: list[Expected] = field(default_factory=list)
    in_flight: list[tuple[str, str]] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: pause id -> the last version this stream knows of (amendments send it as If-Match)
    pauses: dict[str, int] = field(default_factory=dict)
    #: movement ids notified and not yet acknowledged
    unacknowledged: list[str] = field(default_factory=list)


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _created(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 201:
        raise StreamError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


def make_cast(base_url: str, admin_token: str, run: str) -> Cast:
    """Two organisations and their users, made through the API (so audited like the rest)."""
    with httpx.Client(base_url=base_url, headers=_auth(admin_token), timeout=30) as client:
        tokens = {}
        org_ids = {}
        for slug, kind, role in [
            (f"aid-{run}", "aid", "organisation"),
            (f"party-{run}", "party", "party_liaison"),
        ]:
            org = _created(
                client.post(
                    "/v1/organisations", json={"slug": slug, "name": slug.title(), "kind": kind}
                )
            )
            user = _created(
                client.post(
                    "/v1/users",
                    json={
                        "organisation_id": org["id"],
                        "name": f"{role} of {slug}",
                        "email": f"{role}@{slug}.example.org",
                        "role": role,
                    },
                )
            )
            tokens[kind] = _created(client.post("/v1/tokens", json={"user_id": user["id"]}))[
                "token"
            ]
            org_ids[kind] = int(org["id"])
    return Cast(admin_token, tokens["aid"], tokens["party"], org_ids["party"])


# -- documents ---------------------------------------------------------------------------------


def pause_document(pause_id: str, rng: random.Random) -> dict[str, Any]:
    """A one-part pause on a 1.5 km circle in the Gaza Strip, 08:00-12:00 one day in 2024."""
    day = f"2024-10-{rng.randint(1, 28):02d}"
    return {
        "id": pause_id,
        "name": {"en": f"Crash-cycle pause {pause_id}"},
        "kind": "tactical_pause",
        "published": rng.random() < 0.5,
        "timezone": "Asia/Gaza",
        "parts": [
            {
                "id": "zone",
                "zone": {
                    "circle": {
                        "lon": round(rng.uniform(34.25, 34.50), 5),
                        "lat": round(rng.uniform(31.25, 31.55), 5),
                        "radius_m": 1500,
                    }
                },
                "windows": [{"start": f"{day}T08:00", "end": f"{day}T12:00"}],
            }
        ],
        "sources": [{"title": f"Coordination note for {pause_id}"}],
    }


def extension(version: int) -> dict[str, Any]:
    """Extend by ten more minutes per amendment; the new end is always after the last."""
    return {
        "action": "extend",
        "effective_at": "2024-10-01T07:00:00Z",
        "announced_at": "2024-10-01T07:00:00Z",
        "until": f"2030-01-01T{version // 60 % 24:02d}:{version % 60:02d}:00Z",
        "summary": {"en": f"Extension number {version - 1}"},
        "source": {"title": "Crash-cycle update"},
    }


def movement_document(reference: str, party_org_id: int) -> dict[str, Any]:
    return {
        "reference": reference,
        "name": f"Convoy {reference}",
        "objective": "medical",
        "route": {"road": "salah-al-din", "direction": "south"},
        "departure": {"earliest": "2023-11-05T09:00", "latest": "2023-11-05T09:30"},
        "travel_minutes": 120,
        "timezone": "Asia/Gaza",
        "vehicles": [{"kind": "ambulance", "count": 2}],
        "people": 8,
        "contacts": [{"name": "Convoy lead", "phone": "+970 59 000 0000"}],
        "notify": [party_org_id],
    }


def incident_document(reference: str, rng: random.Random) -> dict[str, Any]:
    return {
        "reference": reference,
        "occurred_at": f"2024-09-02T{rng.randint(6, 14):02d}:15:00+03:00",
        "uncertainty_minutes": 10,
        "lon": round(rng.uniform(34.25, 34.50), 5),
        "lat": round(rng.uniform(31.25, 31.55), 5),
        "radius_m": 50,
        "event_type": "Shelling",
        "notes": f"Crash-cycle report {reference}.",
        "reported_by": "Crash cycles",
    }


# -- the writers -------------------------------------------------------------------------------


class Writer(threading.Thread):
    """One client connection sending writes until ``stop`` is set or the server dies."""

    def __init__(
        self, base_url: str, tally: Tally, stop: threading.Event, name: str, seed: int
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.base_url, self.cast, self.tally, self.stop = base_url, tally.cast, tally, stop
        self.rng = random.Random(seed)
        self.count = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        try:
            with httpx.Client(base_url=self.base_url, timeout=60) as client:
                while not self.stop.is_set():
                    kind = self.rng.choices(kinds, weights)[0]
                    self.count += 1
                    key = f"{self.name}-{self.count}"
                    try:
                        getattr(self, f"_{kind}")(client, key)
                    except DEAD:
                        with self.tally.lock:
                            self.tally.in_flight.append((kind, key))
                        return
        except BaseException as error:  # reported by the harness, not lost
            self.error = error

    def _acknowledged(self, expected: Expected) -> None:
        with self.tally.lock:
            self.tally.acknowledged.append(expected)

    def _pause(self, client: httpx.Client, key: str) -> None:
        pause_id = f"crash-{key}"
        body = pause_document(pause_id, self.rng)
        made = _created(client.post("/v1/pauses", json=body, headers=_auth(self.cast.admin)))
        self._acknowledged(Expected("pause", pause_id, int(made["version"])))
        with self.tally.lock:
            self.tally.pauses[pause_id] = int(made["version"])

    def _amendment(self, client: httpx.Client, key: str) -> None:
        with self.tally.lock:
            known = list(self.tally.pauses.items())
        if not known:
            self._pause(client, key)
            return
        pause_id, version = self.rng.choice(known)
        headers = _auth(self.cast.admin) | {"If-Match": f'"{version}"'}
        answer = client.post(
            f"/v1/pauses/{pause_id}/amendments", json=extension(version + 1), headers=headers
        )
        if answer.status_code == 412:
            # Another writer, or an amendment in flight at the last kill, got there first.
            current = client.get(f"/v1/pauses/{pause_id}", headers=_auth(self.cast.admin))
            with self.tally.lock:
                self.tally.refused += 1
                self.tally.pauses[pause_id] = int(current.json()["version"])
            return
        made = _created(answer)
        self._acknowledged(Expected("amendment", pause_id, int(made["version"])))
        with self.tally.lock:
            self.tally.pauses[pause_id] = max(self.tally.pauses[pause_id], int(made["version"]))

    def _movement(self, client: httpx.Client, key: str) -> None:
        made = _created(
            client.post(
                "/v1/movements",
                json=movement_document(key, self.cast.party_org_id),
                headers=_auth(self.cast.member),
            )
        )
        self._acknowledged(Expected("movement", str(made["id"]), int(made["version"])))
        with self.tally.lock:
            self.tally.unacknowledged.append(str(made["id"]))

    def _acknowledgement(self, client: httpx.Client, key: str) -> None:
        with self.tally.lock:
            movement_id = self.tally.unacknowledged.pop() if self.tally.unacknowledged else None
        if movement_id is None:
            self._movement(client, key)
            return
        answer = client.post(
            f"/v1/movements/{movement_id}/acknowledgements",
            json={"note": f"received {key}"},
            headers=_auth(self.cast.liaison),
        )
        _created(answer)
        self._acknowledged(
            Expected("acknowledgement", movement_id, 1, party_org_id=self.cast.party_org_id)
        )

    def _incident(self, client: httpx.Client, key: str) -> None:
        made = _created(
            client.post(
                "/v1/incidents",
                json=incident_document(key, self.rng),
                headers=_auth(self.cast.member),
            )
        )
        self._acknowledged(Expected("incident", str(made["id"]), reference=key))
