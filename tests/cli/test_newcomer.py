"""A newcomer's first day on the command line (issue 16, Done when): from a rental manifest and
a call sheet file to the day's report in under 15 commands, and no PIN asked before a valid
command.

An armorer sets up a small production from scratch: the crew list, the rental house's
manifest (its storage, weapons and lots in one file) and the call sheet come as files; each
person's PIN is their own, read the documented way for scripts ($SHOWCLEAR_PIN_<PERSON>),
and stdin is empty, so a PIN prompt anywhere would fail the command it appears in.
"""

from __future__ import annotations

from pathlib import Path

from tests.reports.reading import pdf_text

from showclear.errors import ExitCode

from .conftest import CAST, Cli, Ran
from .test_input_errors import NO_PINS

CREW = "person,name,roles,trainings,permits\n" + "".join(
    f"{person},{name},{';'.join(roles)},"
    f"{'revolver' if 'performer' in roles else ''},"
    f"{'ca-armorer:A-1234:2027-06-30' if person == 'mo' else ''}\n"
    for person, (name, roles, _pin) in CAST.items()
)  # sam, the safety coordinator, is the first row: they register everyone after them
RENTAL = (
    "item,storage,name,lockable,weapon,serial,make,model,category,caliber,chambers,action,"
    "lot,kind,count,supplier,origin,load\n"
    "storage,safe-1,Truck 2 gun safe,yes,,,,,,,,,,,,,,\n"
    "weapon,safe-1,,,colt-1,SA-10481,Colt,Single Action Army,blank_firing,.45 Colt,6,"
    "revolver,,,,,,\n"
    "weapon,safe-1,,,replica-1,DX-1106,Denix,1873,non_firing_replica,.45 Colt,6,revolver,"
    ",,,,,\n"
    "lot,safe-1,,,,,,,,.45 Colt,,,D-1,dummy,12,Prop House,invoice 4471,\n"
    "lot,safe-1,,,,,,,,.45 Colt,,,B-1,blank,12,Prop House,invoice 4472,quarter\n"
)
CALL_SHEET = "person,duties\nmo,handler\nana,performer\nlee,first_ad\nsam,safety\n"


def _files(tmp_path: Path) -> dict[str, str]:
    """The three files a newcomer is handed, as a spreadsheet saves CSV."""
    paths = {}
    for name, text in (("crew", CREW), ("rental", RENTAL), ("call", CALL_SHEET)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8-sig")
        paths[name] = str(path)
    return paths


def _no_prompt(ran: Ran) -> None:
    """Nothing asked for a PIN (a prompt would have read the empty stdin and failed)."""
    assert "PIN for" not in ran.text and "type your PIN" not in ran.text, ran.text


def test_a_newcomer_goes_from_files_to_the_days_report_in_under_15_commands(
    cli: Cli, tmp_path: Path
) -> None:
    """init, crew, suppliers, manifest, call sheet, plan, meeting, the weapon out to the
    performer and back, close and report: 14 commands, each succeeding without a prompt."""
    f = _files(tmp_path)
    report = tmp_path / "day.pdf"
    flow: list[tuple[str, ...]] = [
        ("init", "--production", "Dust Creek"),
        ("import", "people", f["crew"]),
        (
            "supplier", "add", "prop-house", "--name", "Prop House",
            "--licence", "FFL 9-85-01234", "--contact", "Jo Reyes, 505 555 0100", "--as", "mo",
        ),
        ("supplier", "approve", "prop-house", "--as", "pat"),
        ("import", "manifest", f["rental"], "--as", "mo"),
        ("import", "call-sheet", f["call"], "--as", "lee"),
        (
            "setup", "plan", "1", "--scene", "Saloon standoff", "--kind", "take",
            "--weapon", "colt-1:ana:empty", "--direction", "east, away from the crew",
            "--near", "camera A:900cm:eye:hearing", "--as", "lee",
        ),
        ("meeting", "1", "--attendee", "mo,ana,lee,sam", "--as", "sam"),
        ("take-out", "colt-1", "--setup", "1", "--as", "mo"),
        (
            "inspect", "colt-1", "--chambers", "empty", "--barrel-clear",
            "--performer", "ana", "--as", "mo",
        ),
        ("hand-over", "colt-1", "--to", "ana", "--as", "mo"),
        ("hand-over", "colt-1", "--to", "mo", "--as", "ana"),
        ("return", "colt-1", "--storage", "safe-1", "--as", "mo"),
        (
            "close-day", "--count", "D-1=12", "--count", "B-1=12",
            "--report", str(report), "--as", "mo",
        ),
    ]  # fmt: skip
    assert len(flow) < 15

    typed = 0
    for step, args in enumerate(flow):
        if step == 8:
            # A typo first: an input error with a suggestion (exit 3), no PIN asked even
            # with no PIN to be found, and nothing recorded: the flow goes on as before.
            typo = cli.main("take-out", "colt1", "--setup", "1", "--as", "mo", env=NO_PINS)
            assert typo.code == ExitCode.NOT_FOUND, typo.text
            assert "did you mean colt-1" in typo.text
            _no_prompt(typo)
        ran = cli.main(*args)
        typed += 1
        assert ran.code == 0, (args, ran.text)
        _no_prompt(ran)
    assert typed == len(flow) == 14

    weapon = cli.weapon("colt-1")
    assert weapon["location"] == "storage:safe-1"
    assert cli.json("board")["day"]["open"] is False  # the day is closed
    text = " ".join(pdf_text(report.read_bytes()).split())
    assert "Daily firearms report" in text
    assert "colt-1" in text and "SA-10481" in text
    assert "Ana Reyes" in text


def test_a_crew_list_without_as_needs_a_first_person_who_may_register_others(
    cli: Cli, tmp_path: Path
) -> None:
    """import people without --as on a new production: a first row who is crew is refused
    as an input error, naming the column; nobody is registered."""
    cli.ok("init", "--production", "Dust Creek")
    path = tmp_path / "crew.csv"
    path.write_text("person,name,roles\nkim,Kim Wu,crew\nsam,Sam Ortiz,safety_coordinator\n")
    ran = cli.main("import", "people", str(path))
    assert ran.code == ExitCode.USAGE, ran.text
    assert "the production's first person is a producer or the safety coordinator" in ran.text
    app = cli.app()
    try:
        assert app.projection(app.resolve(None)).people() == []
    finally:
        app.close()
    path.write_text("person,name,roles\nsam,Sam Ortiz,safety_coordinator\nkim,Kim Wu,crew\n")
    cli.ok("import", "people", str(path))
    later = cli.main("import", "people", str(path))
    assert later.code == ExitCode.USAGE and "give --as PERSON" in later.text
