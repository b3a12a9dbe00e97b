"""``POST /v1/drafts``: the proposal for a coordinator, problem JSON for bad input, nothing stored.

Who may call it is in the policy table (tests/api/test_authorisation.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import PROBLEM_JSON, Service, running

POLIO = (
    '"The way we discussed and agreed, the campaign will start on September 1, in central Gaza, '
    'for three days," said Rik Peeperkorn. The WHO said the pauses will occur between 6am and '
    "3pm on the days agreed. The aim is to vaccinate 640,000 children under 10."
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    url = f"sqlite:///{tmp_path_factory.mktemp('drafts') / 'respite.db'}"
    with running(url) as service:
        yield service


def _post(svc: Service, body: dict[str, Any]) -> Any:
    return svc.client.post("/v1/drafts", json=body, headers=svc.admin)


def test_a_coordinator_gets_the_fields_and_a_draft_and_nothing_is_stored(svc: Service) -> None:
    before = svc.state()
    response = _post(
        svc, {"text": POLIO, "date": "2024-08-29", "source": {"title": "WHO briefing"}}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "humanitarian_pause"
    assert {p["id"] for p in body["places"]} == {"region:gaza-central"}
    (window,) = body["windows"]
    assert (
        window["start_local"],
        window["end_local"],
        window["first_date"],
        window["last_date"],
    ) == ("06:00", "15:00", "2024-09-01", "2024-09-03")
    pause = body["draft"]["pauses"][0]
    assert (pause["status"], pause["published"]) == ("draft", False)
    assert pause["sources"][0]["title"] == "WHO briefing"
    assert svc.state() == before  # no pause, no audit entry


@pytest.mark.parametrize(
    ("body", "location", "status"),
    [
        ({"text": "", "date": "2024-08-29"}, "text", 422),
        ({"text": "pause\u0000\u0001\u0002\u0003\u0004", "date": "2024-08-29"}, "text", 422),
        (
            {"text": "Une pause humanitaire aura lieu demain à Gaza.", "date": "2024-08-29"},
            "text",
            422,
        ),
        ({"text": POLIO, "date": "2024-08-29", "timezone": "Mars/Olympus"}, "timezone", 422),
        ({"text": POLIO, "date": "29/08/2024"}, "date", 422),
        ({"text": POLIO}, "date", 422),
    ],
    ids=["empty", "binary", "french", "bad-zone", "bad-date", "no-date"],
)
def test_bad_input_is_a_problem_naming_the_field(
    svc: Service, body: dict[str, Any], location: str, status: int
) -> None:
    before = svc.state()
    response = _post(svc, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert location in {e["location"] for e in response.json()["errors"]}
    assert svc.state() == before


def test_a_ten_megabyte_text_is_refused_before_it_is_read(svc: Service) -> None:
    response = _post(svc, {"text": "x" * 10_000_000, "date": "2024-08-29"})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
