"""A pause's life reaches every output: exports, CAP, iCalendar, SMS, bad input, statuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import recurring_ical_events
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from lxml import etree

from respite import export
from respite.cli import main
from respite.feeds import pauses_to_ical
from respite.feeds.cap import alert_xml, pause_alerts
from respite.feeds.ical import expanded_occurrences
from respite.pauses import PauseStatus, load_pause_file, parse_pauses
from respite.pauses.model import PartStatus
from respite.pauses.status import derive
from respite.web.summary import SMS_LIMIT, sms_text

DATA = Path(__file__).parents[1] / "data"
EPISODES = DATA / "episodes"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- visibility: Azovstal, confidential while under way ---------------------------------------


def confidential_azovstal(tmp_path: Path) -> Path:
    """The Azovstal file as it stood before its publication (version 1 only)."""
    text = (EPISODES / "azovstal-2022.yaml").read_text().split("    amendments:")[0]
    path = tmp_path / "azovstal-confidential.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("kind", ["geojson", "ical"])
def test_an_unpublished_pause_is_in_no_export_without_the_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = confidential_azovstal(tmp_path)
    code, out, err = run(capsys, "export", kind, "--pauses", str(path))
    assert code == 0, err
    assert "azovstal" not in out
    assert "left out 1 confidential or draft pause(s) (azovstal-safe-passage-2022)" in err
    code, out, err = run(capsys, "export", kind, "--pauses", str(path), "--include-unpublished")
    assert code == 0, err
    assert "azovstal-safe-passage-2022" in out
    if kind == "geojson":
        (feature,) = json.loads(out)["features"]
        assert feature["properties"]["visibility"] == "confidential"
    else:
        (event,) = Calendar.from_ical(out).walk("VEVENT")
        assert str(event["CLASS"]) == "CONFIDENTIAL"


def test_once_published_the_pause_is_exported(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "export", "geojson", "--pauses", str(EPISODES / "azovstal-2022.yaml")
    )
    assert code == 0, err
    (feature,) = json.loads(out)["features"]
    assert feature["properties"]["visibility"] == "public"
    assert feature["properties"]["version"] == 2


# -- CAP: a cancelled pause is a Cancel; movement is in the instruction -----------------------

SENDER = "alerts@respite.example.org"


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    xsd = resources.files("respite.feeds.schemas").joinpath("CAP-v1.2.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def mariupol_text(status: str | None = None) -> str:
    text = (EPISODES / "mariupol-2022-03-05.yaml").read_text()
    if status is not None:
        text = text.replace(
            "    kind: corridor\n", f"    kind: corridor\n    status: {status}\n", 1
        )
        text = text.split("    amendments:")[0]
    return text


def test_a_pause_cancelled_from_the_start_is_a_cap_cancel(cap_schema: etree.XMLSchema) -> None:
    (pause,) = parse_pauses(mariupol_text("cancelled"))
    lo, hi = (
        int(datetime(2022, 3, 1, tzinfo=UTC).timestamp()),
        int(datetime(2022, 3, 10, tzinfo=UTC).timestamp()),
    )
    alerts = pause_alerts(pause, sender=SENDER, lo=lo, hi=hi)
    assert [a.msg_type for a in alerts] == ["Cancel", "Cancel"]
    for alert in alerts:
        cap_schema.assertValid(etree.fromstring(alert_xml(alert)))


def test_movement_is_the_cap_instruction() -> None:
    (pause,) = parse_pauses(mariupol_text())
    lo = int(datetime(2022, 3, 1, tzinfo=UTC).timestamp())
    alert = pause_alerts(pause, sender=SENDER, lo=lo, hi=lo + 10 * 86_400)[0]
    english = next(
        info for info in alert.infos if info.language == "en-GB" or "en" in info.language
    )
    assert english.instruction is not None
    assert english.instruction.startswith("civilians only; one way towards Zaporizhzhia")


# -- iCalendar: history that a later version would contradict is written apart ---------------


def test_the_lapse_round_trips_through_an_independent_expander() -> None:
    pauses = load_pause_file(DATA / "lapse.yaml")
    calendar = Calendar.from_ical(pauses_to_ical(pauses, stamp=datetime(2024, 7, 1, tzinfo=UTC)))
    lo, hi = datetime(2024, 6, 20, tzinfo=UTC), datetime(2024, 7, 20, tzinfo=UTC)
    spans = set()
    for event in recurring_ical_events.of(calendar).between(lo, hi):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else start + event.decoded("DURATION")
        spans.add((int(start.timestamp()), int(end.timestamp())))
    ours = expanded_occurrences(pauses, lo, hi)[("khan-younis-weekly", "khan-younis")]
    assert sorted(spans) == list(ours)
    days = {datetime.fromtimestamp(s, UTC).date().isoformat() for s, _ in spans}
    assert "2024-07-01" not in days and "2024-07-02" not in days
    assert {"2024-06-30", "2024-07-03", "2024-07-07"} <= days


# -- SMS: movement rules when they fit ---------------------------------------------------------


def test_the_sms_names_the_movement_rules() -> None:
    (pause,) = parse_pauses(mariupol_text())
    lo = int(datetime(2022, 3, 1, tzinfo=UTC).timestamp())
    text = sms_text(pause, "en", lo, lo + 10 * 86_400)
    assert len(text) <= SMS_LIMIT
    assert text.endswith(". Civilians leave by bus and car towards Zaporizhzhia"), text


# -- bad input through the command line: the field and the reason, nothing loaded -------------

BAD = """format: respite-pauses/1
pauses:
  - id: bad
    name: {{en: bad}}
    kind: corridor
    timezone: {zone}
    parts:
      - id: road
        zone: {{corridor: {{road: salah-al-din, width_m: 500, direction: {direction}}}}}
        windows: {windows}
    sources: [{{title: t}}]
"""
GOOD_WINDOW = '[{start: "2024-03-01T10:00", end: "2024-03-01T12:00"}]'


@pytest.mark.parametrize(
    ("zone", "direction", "windows", "location", "reason"),
    [
        (
            "Asia/Gaza",
            "sideways",
            GOOD_WINDOW,
            "pauses[0].parts[0].zone.corridor.direction",
            "'sideways' is not allowed here; use 'north', 'south'",
        ),
        (
            "Asia/Gaza",
            "south",
            "[]",
            "pauses[0].parts[0].windows",
            "a part needs at least one window",
        ),
        (
            "Europe/Kyiv",
            "south",
            '[{start: "2022-03-27T03:30", end: "2022-03-27T06:00"}]',
            "pauses[0].parts[0].windows[0].start",
            "03:30 does not exist on 2022-03-27 in Europe/Kyiv: the clocks jump forward by "
            "60 minutes",
        ),
    ],
)
def test_validate_names_the_field_and_the_reason(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    zone: str,
    direction: str,
    windows: str,
    location: str,
    reason: str,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.format(zone=zone, direction=direction, windows=windows))
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert f"{location}: {reason}" in err
    assert "nothing loaded" in err


def test_validate_flags_a_window_announced_late(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(EPISODES / "white-house-2023-11-09.yaml"))
    assert code == 0, err
    (warning,) = [line for line in out.splitlines() if "warning" in line]
    assert "the window of Sat 2023-11-11 10:00 (Asia/Gaza" in warning
    assert "1.5 h short of the 3 h notice promised" in warning


# -- the derived status (pauses/status.py) ---------------------------------------------------

PART_STATUSES = st.lists(st.sampled_from(list(PartStatus)), min_size=1, max_size=6)


@given(PART_STATUSES, st.randoms())
def test_the_pause_status_depends_on_the_set_of_part_statuses(
    statuses: list[PartStatus], random: object
) -> None:
    shuffled = list(statuses)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert derive(shuffled) is derive(statuses)
    assert derive(statuses + statuses) is derive(statuses)


@given(PART_STATUSES)
def test_a_pause_is_final_only_when_every_part_is(statuses: list[PartStatus]) -> None:
    final = derive(statuses) in (PauseStatus.ENDED, PauseStatus.CANCELLED)
    assert final == all(s.is_final for s in statuses)


@pytest.mark.parametrize(
    ("parts", "pause"),
    [
        (["announced", "announced", "postponed"], "partially_postponed"),
        (["announced", "suspended", "postponed"], "partially_suspended"),
        (["suspended", "postponed"], "suspended"),
        (["cancelled", "cancelled"], "cancelled"),
        (["cancelled", "ended"], "ended"),
        (["ended", "announced"], "announced"),
        (["broken", "ended"], "broken"),
        (["draft"], "draft"),
    ],
)
def test_the_derivation_table(parts: list[str], pause: str) -> None:
    assert derive(PartStatus(p) for p in parts) is PauseStatus(pause)


def test_the_library_exports_leave_an_unpublished_pause_out_unless_asked(
    tmp_path: Path,
) -> None:
    (hidden,) = load_pause_file(confidential_azovstal(tmp_path))
    (published,) = load_pause_file(EPISODES / "azovstal-2022.yaml")
    lo, hi = datetime(2022, 4, 1, tzinfo=UTC), datetime(2022, 6, 1, tzinfo=UTC)
    outputs = {
        "geojson": lambda ps, **kw: json.dumps(export.to_geojson(ps, start=lo, end=hi, **kw)),
        "ical": lambda ps, **kw: export.to_ical(ps, stamp=lo, **kw).decode(),
        "hxl": export.to_hxl,
        "occurrences": lambda ps, **kw: export.occurrences_hxl(ps, start=lo, end=hi, **kw),
        "cap": lambda ps, **kw: repr(
            [a.identifier for a in export.cap_alerts(ps, sender="r@x.org", start=lo, end=hi, **kw)]
        ),
    }
    for name, write in outputs.items():
        assert hidden.id not in write([hidden]), name
        assert hidden.id in write([hidden], include_unpublished=True), name
        assert published.id in write([published]), name
    (feature,) = export.to_geojson([hidden], include_unpublished=True)["features"]
    assert feature["properties"]["visibility"] == "confidential"
    assert (
        "CLASS:CONFIDENTIAL"
        in export.to_ical([hidden], stamp=lo, include_unpublished=True).decode()
    )
