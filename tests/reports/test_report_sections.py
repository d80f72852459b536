"""Issue 16 item 5: a daily report an insurer accepts, an incident report an investigator does.

The demo's western day, read back from the PDFs with pdftotext: the daily report gives
serial numbers, the handler's permit, the whole inventory at the day's start and end,
each confirmation's proof, lines to sign with printed names, the time zone named, on A4 or
Letter. The incident report gives the lot of the round that misfired (traced through
the chamber records), who fired, and the incident's file: narrative, witness statements,
a photo (drawn from the stored document), injuries and notifications.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.api.world import Server, build_world
from tests.conftest import CliRun

from forensics.histories import Demo
from showclear.api import create_api
from showclear.protocol.errors import InconsistentEventError
from showclear.reports import day_files, incident_files
from showclear.reports.render import default_paper
from showclear.service import TRUSTED, BadRequest
from system_tools import need_program

from .reading import pdf_text

DAY = "2026-11-25"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _page_size(pdf: bytes) -> str:
    pdfinfo = need_program("pdfinfo", "poppler-utils", "read the paper size")
    info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=True)
    found = re.search(r"^Page size:\s+(.+)$", info.stdout.decode(), re.M)
    assert found is not None
    return found[1]


@pytest.fixture(scope="module")
def day(demo: Demo) -> str:
    rendered = day_files(demo.app, demo.slug, DAY)
    assert rendered.pdf is not None
    return pdf_text(rendered.pdf, layout=True)


def test_the_day_report_gives_each_weapons_serial_number(day: str) -> None:
    flat = _flat(day)
    for serial in ("SA-10481", "UB-77120", "DX-1106"):
        assert f"serial {serial}" in flat  # in "Weapons used"


def test_the_day_report_gives_the_handlers_permit(day: str) -> None:
    flat = _flat(day)
    assert "Weapons handlers and their permits" in flat
    assert re.search(r"Maria Reyes .*armorer permit CA-ARM-2291, expires 2027-11-25", flat)


def test_the_day_report_gives_the_whole_inventory_at_the_start_and_the_end(day: str) -> None:
    """Nothing was received before the day; at its end every weapon is in the safe, COLD,
    and the lots hold what the round count says."""
    start = day.index("Inventory at the start of the day")
    end = day.index("Inventory at the end of the day")
    opening, closing = day[start:end], day[end:]
    assert "No weapon was in the inventory." in opening
    assert "stood at 2026-11-25 00:00 UTC" in opening
    lines = {r.split()[0]: r.split() for r in closing.splitlines() if r.strip()}
    for weapon, serial in (
        ("colt-1", "SA-10481"),
        ("colt-2", "UB-77120"),
        ("replica-1", "DX-1106"),
    ):
        assert lines[weapon][1] == serial
        assert "storage safe COLD" in " ".join(lines[weapon])
    assert lines["blk-45"][1:6] == ["blank", ".45", "Colt", "10", "0"]
    assert lines["dum-45"][-1] == "SUSPECT"


def test_the_day_report_has_lines_to_sign_with_printed_names(day: str) -> None:
    signatures = day[day.index("Signatures") :]
    for role, name in (
        ("Weapons handler", "Maria Reyes"),
        ("Safety coordinator", "Ruth Okafor"),
        ("Producer", "Paul Ortega"),
    ):
        assert re.search(rf"{role}\s+{name}\s+Signature\s+Date", signatures), role


def test_the_day_report_names_the_zone_its_times_are_in(day: str) -> None:
    """The demo production never set a time zone: its report says UTC, once at the top,
    on every page's footer, and with every time written out in full."""
    flat = _flat(day)
    assert "Time zone UTC" in flat
    assert "the ledger keeps UTC" in flat
    assert "times in UTC" in flat  # the footer of every page
    assert "Period covered 2026-11-25 00:00 UTC to 2026-11-25 23:59 UTC" in flat


def test_the_paper_is_a4_by_default_and_letter_when_asked_or_in_the_us(demo: Demo) -> None:
    a4 = day_files(demo.app, demo.slug, DAY).pdf
    letter = day_files(demo.app, demo.slug, DAY, paper="letter").pdf
    assert a4 is not None and letter is not None
    assert "(A4)" in _page_size(a4)
    assert "(letter)" in _page_size(letter)
    assert default_paper("US-CA") == "letter" and default_paper("US") == "letter"
    assert default_paper("GB") == "a4" and default_paper("") == "a4"
    with pytest.raises(BadRequest, match="paper 'a5' is not one of"):
        day_files(demo.app, demo.slug, DAY, paper="a5")


def test_report_day_takes_paper_on_the_command_line(
    showclear: Callable[..., CliRun], demo: Demo, tmp_path: Path
) -> None:
    out = tmp_path / "day.pdf"
    run = showclear("--db", str(demo.db), "report", "day", DAY, "--pdf", str(out),
                    "--paper", "letter")  # fmt: skip
    assert run.code == 0, run.err
    assert "(letter)" in _page_size(out.read_bytes())
    wrong = showclear("--db", str(demo.db), "report", "day", DAY, "--pdf", str(out),
                      "--paper", "a5")  # fmt: skip
    assert wrong.code == 2


def test_a_us_production_prints_on_letter_and_the_api_takes_paper(demo: Demo) -> None:
    """A production whose jurisdiction is US-CA gets Letter by default; ``?paper=a4`` and
    ``?paper=letter`` choose; anything else is refused."""
    world = build_world(demo.app, demo.clock, "Sunset Shoot")
    changed = demo.app.submit(
        world.slug,
        {
            "type": "PolicyChanged",
            "actor": "sam",
            "changes": {"jurisdiction": "US-CA"},
            "reason": "we shoot in Los Angeles",
        },
        TRUSTED,
    )
    assert changed.outcome == "allowed", changed.rule_ids
    day = demo.clock.now().date().isoformat()
    default = day_files(demo.app, world.slug, day).pdf
    assert default is not None and "(letter)" in _page_size(default)
    with (
        Server(create_api(demo.app, secure_cookies=True)) as url,
        httpx.Client(base_url=f"{url}/productions/{world.slug}", timeout=60) as http,
    ):
        auth = world.auth("sam")
        served = http.get(f"/reports/day/{day}", headers=auth)
        assert served.status_code == 200, served.text
        assert "(letter)" in _page_size(served.content)
        a4 = http.get(f"/reports/day/{day}", params={"paper": "a4"}, headers=auth)
        assert a4.status_code == 200 and "(A4)" in _page_size(a4.content)
        wrong = http.get(f"/reports/day/{day}", params={"paper": "a5"}, headers=auth)
        assert wrong.status_code == 422


# -- the incident report ---------------------------------------------------------------


def _png(width: int = 40, height: int = 30) -> bytes:
    """A red PNG of ``width`` x ``height`` pixels, written by hand (PNG spec, RGB, 8 bit)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def incident(demo: Demo) -> tuple[str, str]:
    """Incident 1 (colt-2's misfire) with its file added: every kind of entry once."""
    photo = demo.app.put_document(demo.slug, _png())
    scan = demo.app.put_document(demo.slug, b"%PDF-1.4 signed statement scan")
    for event in (
        {
            "type": "IncidentNarrativeAdded",
            "actor": "ruth",
            "narrative": "On take 2 Jack pulled the trigger on chamber 1; the blank did not fire.",
        },
        {
            "type": "IncidentStatementAdded",
            "actor": "ruth",
            "witness": "jack",
            "statement": "I heard a click and no bang, and held the revolver up.",
            "document_sha256": scan,
        },
        {
            "type": "IncidentPhotoAdded",
            "actor": "ruth",
            "document_sha256": photo,
            "caption": "colt-2 on the cart, cylinder open",
        },
        {
            "type": "IncidentInjuryRecorded",
            "actor": "ruth",
            "person": "jack",
            "injury": "ringing in the left ear",
            "treatment": "seen by the set medic",
        },
        {
            "type": "IncidentNotificationMade",
            "actor": "paul",
            "to": "insurer",
            "contact": "claims desk",
            "reference": "CLM-2211",
        },
    ):
        outcome = demo.app.submit(demo.slug, {**event, "incident": 1}, TRUSTED)
        assert outcome.outcome in ("allowed", "warned"), (event["type"], outcome.rule_ids)
    rendered = incident_files(demo.app, demo.slug, 1, pdf=True, html=True)
    assert rendered.pdf is not None and rendered.html is not None
    return pdf_text(rendered.pdf, layout=True), rendered.html


def test_the_incident_names_the_lot_of_the_round_that_misfired_and_who_fired(
    incident: tuple[str, str],
) -> None:
    """The misfire's entry names no fired lot; the chamber records say chamber 1 held blk-45."""
    text, _ = incident
    assert re.search(r"^\s*Lot\s+blk-45\s*$", text, re.M)
    assert re.search(r"^\s*Who fired\s+Jack Dalton \(#46\)\s*$", text, re.M)
    assert "misfired (round kept): blk-45" in _flat(text)


def test_the_incident_report_gives_its_file_section_by_section(
    incident: tuple[str, str],
) -> None:
    text, _ = incident
    flat = _flat(text)
    sections = ["Narrative", "Witness statements", "Photos", "Injuries", "Notifications"]
    where = [flat.index(f" {s} ") for s in sections]
    assert where == sorted(where)
    assert "the blank did not fire." in flat
    assert "I heard a click and no bang, and held the revolver up." in flat
    assert "Jack Dalton" in flat[where[1] : where[2]]
    assert "colt-2 on the cart, cylinder open" in flat
    assert "ringing in the left ear" in flat and "seen by the set medic" in flat
    notifications = flat[where[4] :]
    assert "the insurer" in notifications and "CLM-2211" in notifications
    assert "claims desk" in notifications and "Paul Ortega" in notifications


def test_the_photo_is_drawn_from_the_stored_document(demo: Demo, incident: tuple[str, str]) -> None:
    """The PDF holds the photo as an image; the page shows it inline from its bytes."""
    _, html = incident
    assert 'src="data:image/png;base64,' in html
    rendered = incident_files(demo.app, demo.slug, 1)
    assert rendered.pdf is not None
    pdfimages = need_program("pdfimages", "poppler-utils", "list the report's images")
    listed = subprocess.run(
        [pdfimages, "-list", "-"], input=rendered.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert any(line.split()[3:5] == ["40", "30"] for line in listed.splitlines()[2:])


def test_an_entry_for_an_incident_never_opened_is_refused_before_anything_is_recorded(
    demo: Demo,
) -> None:
    size = demo.app.production(demo.slug).size
    with pytest.raises(InconsistentEventError, match="there is no incident 99"):
        demo.app.submit(
            demo.slug,
            {"type": "IncidentNarrativeAdded", "actor": "ruth", "incident": 99, "narrative": "x"},
            TRUSTED,
        )
    assert demo.app.production(demo.slug).size == size
