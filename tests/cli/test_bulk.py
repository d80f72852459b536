"""Inventory in and out in bulk: CSV manifests imported row by row, checked first; exports."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import Workbook

from .conftest import Cli

WEAPONS = (
    "weapon,serial,make,model,category,caliber,chambers,action,storage,magazine_capacity\n"
    "colt-2,SA-2,Colt,Single Action Army,blank_firing,.45 Colt,6,revolver,safe-1,\n"
    "g17-1,G-17,Glock,17,blank_firing,9mm PAK,1,pistol,safe-1,15\n"
)
LOTS = (
    "lot,kind,caliber,count,supplier,origin,storage,load\n"
    "B-2,blank,.45 Colt,50,Prop House,invoice 4471,safe-1,quarter\n"
    "D-2,dummy,.45 Colt,24,Prop House,invoice 4471,safe-1,\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    """A CSV file as a spreadsheet saves it: UTF-8 with a byte-order mark."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def _weapon_ids(cli: Cli) -> set[str]:
    return {w["weapon"] for w in cli.json("board")["weapons"]}


def test_a_manifest_of_weapons_and_lots_is_received(stocked: Cli, tmp_path: Path) -> None:
    """Every row of a weapons and a lots manifest becomes a receipt in the inventory."""
    weapons = stocked.ok("import", "weapons", str(_write(tmp_path, "w.csv", WEAPONS)), "--as", "mo")
    assert "row 2 colt-2: recorded" in weapons.output
    assert "2 of 2 rows recorded" in weapons.output
    stocked.ok("import", "lots", str(_write(tmp_path, "l.csv", LOTS)), "--as", "mo")
    assert {"colt-2", "g17-1"} <= _weapon_ids(stocked)
    assert stocked.weapon("g17-1")["state"] == "UNKNOWN"
    assert stocked.lot("B-2")["received"] == 50
    assert stocked.lot("D-2")["received"] == 24


def test_a_dry_run_prints_every_row_and_records_nothing(stocked: Cli, tmp_path: Path) -> None:
    """--dry-run says each row would be recorded, and the ledger does not grow."""
    before = stocked.json("board")
    result = stocked.ok(
        "import", "weapons", str(_write(tmp_path, "w.csv", WEAPONS)), "--dry-run", "--as", "mo"
    )
    assert "row 2 colt-2: would be recorded" in result.output
    assert "row 3 g17-1: would be recorded" in result.output
    assert "nothing was recorded" in result.output
    assert stocked.json("board") == before


def test_one_bad_row_refuses_the_whole_file(stocked: Cli, tmp_path: Path) -> None:
    """A row that cannot be recorded names its row and column; no row is recorded."""
    text = WEAPONS + (
        "rev-9,R-9,Colt,Python,blank_firing,.357,six,revolver,safe-1,\n"
        "colt-1,SN-x,Colt,SAA,blank_firing,.45 Colt,6,revolver,safe-1,\n"
        "colt-2,SA-3,Colt,SAA,blank_firing,.45 Colt,6,revolver,safe-1,\n"
        "colt-3,SA-4,Colt,SAA,blank_firing,.45 Colt,6,revolver,safe-9,\n"
    )
    result = stocked("import", "weapons", str(_write(tmp_path, "w.csv", text)), "--as", "mo")
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "row 2 colt-2: would be recorded" in out
    assert "row 4 rev-9: column 'chambers': 'six' is not a whole number" in out
    assert "row 5 colt-1: column 'weapon': 'colt-1' is already in this production" in out
    assert "row 6 colt-2: column 'weapon': 'colt-2' is also on row 2" in out
    assert "row 7 colt-3: There is no storage 'safe-9'" in out
    assert "4 of 6 rows" in out and "Nothing was recorded" in out
    assert _weapon_ids(stocked) == {"colt-1", "replica-1"}


def test_a_row_the_command_model_rejects_names_the_field(stocked: Cli, tmp_path: Path) -> None:
    """A value the event type does not accept (a category) is that row's error."""
    text = WEAPONS.replace("blank_firing,9mm", "laser,9mm")
    result = stocked("import", "weapons", str(_write(tmp_path, "w.csv", text)), "--as", "mo")
    assert result.exit_code != 0
    assert "row 3 g17-1:" in result.output and "category" in result.output
    assert "colt-2" not in _weapon_ids(stocked)


def test_a_file_missing_a_column_is_refused_before_any_row(stocked: Cli, tmp_path: Path) -> None:
    """The header must hold every required column; the message lists the column set."""
    path = _write(tmp_path, "l.csv", LOTS.replace("origin,", "from,"))
    result = stocked("import", "lots", str(path), "--as", "mo")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "missing column(s) origin" in text and "unknown column(s) from" in text


def _workbook(tmp_path: Path, name: str, rows: list[list[object]]) -> Path:
    """An .xlsx workbook as a spreadsheet saves it, written by openpyxl: one sheet, ``rows``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Manifest"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_an_xlsx_manifest_is_received_as_its_csv_would_be(stocked: Cli, tmp_path: Path) -> None:
    """A workbook's first sheet is read like a CSV file: numbers as numbers, blanks skipped."""
    header = WEAPONS.splitlines()[0].split(",")
    rows: list[list[object]] = [
        header,
        ["colt-2", "SA-2", "Colt", "Single Action Army", "blank_firing", ".45 Colt", 6,
         "revolver", "safe-1", None],
        [None] * len(header),  # an empty row a spreadsheet leaves is not a row
        ["g17-1", "G-17", "Glock", "17", "blank_firing", "9mm PAK", 1.0, "pistol", "safe-1", 15],
    ]  # fmt: skip
    path = _workbook(tmp_path, "manifest.xlsx", rows)
    dry = stocked.ok("import", "weapons", str(path), "--dry-run", "--as", "mo")
    assert "row 2 colt-2: would be recorded" in dry.output
    assert "row 4 g17-1: would be recorded" in dry.output
    assert _weapon_ids(stocked) == {"colt-1", "replica-1"}
    stocked.ok("import", "weapons", str(path), "--as", "mo")
    assert {"colt-2", "g17-1"} <= _weapon_ids(stocked)
    board = {w["weapon"]: w for w in stocked.json("board")["weapons"]}
    assert len(board["colt-2"]["chambers"]) == 6


def test_one_bad_row_of_a_workbook_refuses_the_whole_file(stocked: Cli, tmp_path: Path) -> None:
    """The same row checks as CSV: a text chamber count names its row; nothing is recorded."""
    rows: list[list[object]] = [
        LOTS.splitlines()[0].split(","),
        ["B-2", "blank", ".45 Colt", 50, "Prop House", "invoice 4471", "safe-1", "quarter"],
        ["D-2", "dummy", ".45 Colt", "two dozen", "Prop House", "invoice 4471", "safe-1"],
    ]
    result = stocked("import", "lots", str(_workbook(tmp_path, "lots.xlsx", rows)), "--as", "mo")
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "row 2 B-2: would be recorded" in out
    assert "row 3 D-2: column 'count': 'two dozen' is not a whole number" in out
    assert "B-2" not in {row["lot"] for row in stocked.json("rounds")}


def test_a_workbook_missing_a_column_names_it(stocked: Cli, tmp_path: Path) -> None:
    """The first row of the sheet is the header, checked as a CSV file's is."""
    rows: list[list[object]] = [["weapon", "serial"], ["colt-2", "SA-2"]]
    path = _workbook(tmp_path, "w.xlsx", rows)
    result = stocked("import", "weapons", str(path), "--as", "mo")
    assert result.exit_code == 2
    assert "missing column(s) make, model" in " ".join(result.output.split())


def test_a_file_that_is_not_a_workbook_or_an_old_format_is_an_input_error(
    stocked: Cli, tmp_path: Path
) -> None:
    """A broken .xlsx, and an .xls or .ods, say to save as .xlsx or CSV; nothing is recorded."""
    broken = tmp_path / "manifest.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = stocked("import", "weapons", str(broken), "--as", "mo")
    assert result.exit_code == 2
    assert "is not an .xlsx workbook" in " ".join(result.output.split())
    old = tmp_path / "manifest.ods"
    old.write_bytes(b"PK\x03\x04")
    result = stocked("import", "weapons", str(old), "--as", "mo")
    assert result.exit_code == 2
    assert "save it as Excel Workbook (.xlsx) or as CSV" in " ".join(result.output.split())
    assert _weapon_ids(stocked) == {"colt-1", "replica-1"}


def test_a_call_sheet_workbook_opens_the_day(crew: Cli, tmp_path: Path) -> None:
    """import call-sheet reads an .xlsx call sheet export as it reads CSV."""
    rows: list[list[object]] = [["Person", "Duties"], ["mo", "handler"], ["ana", "performer"]]
    path = _workbook(tmp_path, "call.xlsx", rows)
    crew.ok("import", "call-sheet", str(path), "--as", "lee")
    assert crew.json("board")["day"]["duties"]["ana"] == ["performer"]


def test_a_crew_list_registers_people_with_their_pins(crew: Cli, tmp_path: Path) -> None:
    """import people registers each row; each new person's PIN comes from the environment."""
    text = (
        "person,name,roles,trainings,permits\n"
        "zoe,Zoe Hart,performer,revolver;rifle,\n"
        "al,Al Ruiz,armorer,,ca-armorer:A-77:2027-01-31\n"
    )
    crew.ok(
        "import", "people", str(_write(tmp_path, "p.csv", text)), "--as", "sam",
        env={"SHOWCLEAR_PIN_ZOE": "8888", "SHOWCLEAR_PIN_AL": "9999"},
    )  # fmt: skip
    app = crew.app()
    try:
        projection = app.projection(app.resolve(None))
        zoe, al = projection.person("zoe"), projection.person("al")
    finally:
        app.close()
    assert zoe is not None and list(zoe["trainings"]) == ["revolver", "rifle"]
    assert al is not None and list(al["roles"]) == ["armorer"]


def test_the_inventory_exports_as_csv(stocked: Cli, tmp_path: Path) -> None:
    """export-csv inventory writes one row per weapon and lot, with its state and counts."""
    path = tmp_path / "inventory.csv"
    stocked.ok("export-csv", "inventory", str(path))
    with path.open(encoding="utf-8", newline="") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"colt-1", "replica-1", "D-1", "B-1"}
    assert rows["colt-1"]["serial"] == "SN-colt-1" and rows["colt-1"]["state"]
    assert rows["B-1"]["received"] == "12" and rows["B-1"]["kind"] == "lot (blank)"


def test_refusals_export_as_csv(stocked: Cli, tmp_path: Path) -> None:
    """export-csv refusals writes each refused attempt with its rules and reasons."""
    stocked.refused("take-out", "colt-1", "--setup", "9", "--as", "ana", rules=set())
    path = tmp_path / "refusals.csv"
    stocked.ok("export-csv", "refusals", str(path))
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1
    assert rows[0]["actor"] == "ana" and rows[0]["weapon"] == "colt-1"
    assert rows[0]["rules"] and rows[0]["reasons"]


def test_a_row_a_rule_refuses_is_recorded_as_refused_and_named(
    stocked: Cli, tmp_path: Path
) -> None:
    """Rows that pass the checks are submitted; one a rule refuses is named with its rule."""
    text = LOTS + "P-1,blank,.45 Colt,10,Prop House,invoice 4471,safe-1,,yes\n"
    text = text.replace("storage,load\n", "storage,load,personal\n", 1)
    result = stocked("import", "lots", str(_write(tmp_path, "l.csv", text)), "--as", "mo")
    assert result.exit_code == 4, result.output
    out = " ".join(result.output.split())
    assert "row 2 B-2: recorded" in out
    assert "row 4 P-1: REFUSED AMMO-SOURCE" in out
    assert "2 of 3 rows recorded" in out
    assert stocked.lot("B-2")["received"] == 50


def test_custody_history_and_round_accounting_export_as_csv(stocked: Cli, tmp_path: Path) -> None:
    """export-csv custody lists every entry about a weapon; rounds every lot's accounting."""
    stocked.ok("import", "lots", str(_write(tmp_path, "l.csv", LOTS)), "--as", "mo")
    custody, rounds = tmp_path / "custody.csv", tmp_path / "rounds.csv"
    stocked.ok("export-csv", "custody", str(custody), "--weapon", "colt-1")
    stocked.ok("export-csv", "rounds", str(rounds))
    with custody.open(encoding="utf-8", newline="") as f:
        entries = list(csv.DictReader(f))
    assert entries and {e["weapon"] for e in entries} == {"colt-1"}
    assert entries[0]["type"] == "WeaponReceived" and entries[0]["actor"] == "mo"
    with rounds.open(encoding="utf-8", newline="") as f:
        lots = {row["lot"]: row for row in csv.DictReader(f)}
    assert set(lots) == {"D-1", "B-1", "B-2", "D-2"}
    assert lots["D-1"]["verified"] == "12" and lots["B-2"]["in_storage"] == "50"


def test_a_call_sheet_export_opens_the_day(crew: Cli, tmp_path: Path) -> None:
    """import call-sheet opens the shoot day with every row's duties, as day open does."""
    text = "person,duties\nmo,handler\nana,performer\nlee,first_ad\nkim,props;crew\n"
    crew.ok("import", "call-sheet", str(_write(tmp_path, "c.csv", text)), "--as", "lee")
    app = crew.app()
    try:
        day = app.projection(app.resolve(None)).open_day()
    finally:
        app.close()
    assert day is not None
    duties = {person: sorted(d) for person, d in day["duties"].items()}
    assert duties == {
        "mo": ["handler"], "ana": ["performer"], "lee": ["first_ad"], "kim": ["crew", "props"]
    }  # fmt: skip


def test_a_call_sheet_naming_an_unknown_person_is_refused(crew: Cli, tmp_path: Path) -> None:
    """A person never registered names its row and column; no day is opened."""
    text = "person,duties\nmo,handler\njo,performer\n"
    result = crew("import", "call-sheet", str(_write(tmp_path, "c.csv", text)), "--as", "lee")
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "row 2 mo: would be on the call sheet" in out
    assert "row 3 jo: column 'person': there is no person 'jo'" in out
    app = crew.app()
    try:
        assert app.projection(app.resolve(None)).open_day() is None
    finally:
        app.close()


def test_a_short_pin_for_a_new_person_stops_the_file_first(crew: Cli, tmp_path: Path) -> None:
    """Every new person's PIN is read before anything is recorded; a short one stops all."""
    text = "person,name,roles\nzoe,Zoe Hart,performer\nal,Al Ruiz,crew\n"
    result = crew(
        "import", "people", str(_write(tmp_path, "p.csv", text)), "--as", "sam",
        env={"SHOWCLEAR_PIN_ZOE": "8888", "SHOWCLEAR_PIN_AL": "9"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "the PIN for al needs at least" in " ".join(result.output.split())
    app = crew.app()
    try:
        assert app.projection(app.resolve(None)).person("zoe") is None
    finally:
        app.close()


def test_report_book_writes_where_each_weapon_came_from(stocked: Cli, tmp_path: Path) -> None:
    """A manifest's received_from is the book's 'received from'; CSV on stdout, PDF to --out."""
    text = WEAPONS.replace("magazine_capacity\n", "magazine_capacity,received_from\n", 1)
    text = text.replace("safe-1,\n", "safe-1,,Western Prop Rentals\n", 1)
    stocked.ok("import", "weapons", str(_write(tmp_path, "w.csv", text)), "--as", "mo")
    listed = stocked.ok("report", "book", "--format", "csv")
    rows = {row["weapon"]: row for row in csv.DictReader(io.StringIO(listed.stdout))}
    assert set(rows) == {"colt-1", "replica-1", "colt-2", "g17-1"}
    assert rows["colt-2"]["received_from"] == "Western Prop Rentals"
    assert rows["g17-1"]["received_from"] == ""
    pdf = tmp_path / "book.pdf"
    written = stocked.ok("report", "book", "--out", str(pdf), "--paper", "letter")
    assert "Wrote" in written.output
    assert pdf.read_bytes().startswith(b"%PDF-")


MANIFEST = (
    "item,storage,name,lockable,weapon,serial,make,model,category,caliber,chambers,action,"
    "lot,kind,count,supplier,origin\n"
    "weapon,safe-2,,,colt-2,SA-2,Colt,SAA,blank_firing,.45 Colt,6,revolver,,,,,\n"
    "storage,safe-2,Truck 3 safe,yes,,,,,,,,,,,,,\n"
    "lot,safe-2,,,,,,,,.45 Colt,,,B-2,blank,50,Prop House,invoice 4471\n"
)


def test_a_manifest_adds_its_storage_before_the_weapons_and_lots_in_it(
    stocked: Cli, tmp_path: Path
) -> None:
    """import manifest: a storage row is added first, even below a weapon that goes into it."""
    stocked.ok("import", "manifest", str(_write(tmp_path, "m.csv", MANIFEST)), "--as", "mo")
    assert stocked.weapon("colt-2")["location"] == "storage:safe-2"
    assert stocked.lot("B-2")["received"] == 50


def test_a_manifest_row_with_another_items_column_or_no_lockable_is_refused_whole(
    stocked: Cli, tmp_path: Path
) -> None:
    """A lot row that fills a weapon's column, a storage row that does not say whether it
    locks, and an unknown item each name their row; nothing is recorded."""
    text = MANIFEST.replace("storage,safe-2,Truck 3 safe,yes,", "storage,safe-2,Truck 3 safe,,")
    text = text.replace(",,,.45 Colt,,,B-2", ",,SA-9,.45 Colt,,,B-2")
    text += "tripod,,,,,,,,,,,,,,,,\n"
    result = stocked("import", "manifest", str(_write(tmp_path, "m.csv", text)), "--as", "mo")
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "row 3 safe-2: column 'lockable': say yes or no" in out
    assert re.search(r"row 4 B-2: column '\w+' is not a column of a lot row", out)
    assert "row 5 (no id): column 'item': 'tripod' is not one of storage, weapon, lot" in out
    assert "colt-2" not in _weapon_ids(stocked)
