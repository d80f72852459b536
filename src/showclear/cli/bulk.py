"""Inventory in and out in bulk: ``import weapons|lots|people|call-sheet FILE``,
``export-csv inventory|custody|rounds|refusals FILE.csv``.

A rental house's manifest or a call sheet export, as CSV (UTF-8, with or without the
byte-order mark a spreadsheet writes) or as an .xlsx workbook (its first sheet, read with
openpyxl), becomes one event per row. Every row is
checked first, exactly as the single command would check it (the command model of its
event type, the ids it names, ids unique in the file and not already in the production);
one bad row refuses the whole file and nothing is recorded. ``--dry-run`` prints every
row's outcome and records nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from showclear.cli.acting import propose
from showclear.cli.context import ExitCode, err_console, out_console, state
from showclear.cli.day import day_open, day_revise
from showclear.cli.identity import AS_HELP, ActAs, credentials, new_pin
from showclear.cli.parse import Duty
from showclear.errors import ShowclearError
from showclear.protocol import Projection
from showclear.service import App, Credentials
from showclear.service.auth import MIN_SECRET_LENGTH
from showclear.service.commands import Receipt
from showclear.service.errors import BadRequest
from showclear.service.known import check_arguments

__all__ = ["COLUMNS", "register"]

import_app = typer.Typer(
    help="Import weapons, lots, storage, people or a call sheet from a CSV file or an .xlsx "
    "workbook (a rental house's manifest, a crew list, a call sheet export); every row is "
    "checked first and one bad row refuses the file.\n\n"
    "Example: showclear import weapons manifest.csv --dry-run --as mo",
    no_args_is_help=True,
)
export_app = typer.Typer(
    help="Write the production's records as CSV for a spreadsheet (the ledger's own "
    "bundle is showclear export --bundle).\n\n"
    "Example: showclear export-csv inventory inventory.csv",
    no_args_is_help=True,
)

#: kind -> (required columns, optional columns); a column is the event field of that name.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "weapons": (
        (
            "weapon",
            "serial",
            "make",
            "model",
            "category",
            "caliber",
            "chambers",
            "action",
            "storage",
        ),
        ("personal", "magazine_capacity", "received_from"),
    ),
    "lots": (
        ("lot", "kind", "caliber", "count", "supplier", "origin", "storage"),
        ("load", "close_range", "personal"),
    ),
    "people": (("person", "name", "roles"), ("trainings", "permits")),
    "call-sheet": (("person", "duties"), ()),
    "storage": (("storage", "name", "lockable"), ()),
}
#: A rental manifest: storage locations, weapons and lots in one file, each row's ``item``
#: (storage, weapon or lot) saying which; a row fills the columns of its item.
_ITEMS = {"storage": "storage", "weapon": "weapons", "lot": "lots"}
COLUMNS["manifest"] = (
    ("item",),
    tuple(
        dict.fromkeys(
            column
            for kind in ("storage", "weapons", "lots")
            for column in COLUMNS[kind][0] + COLUMNS[kind][1]
        )
    ),
)
_EVENT = {
    "weapons": "WeaponReceived",
    "lots": "LotReceived",
    "people": "PersonRegistered",
    "storage": "StorageAdded",
}
_ID = {"weapons": "weapon", "lots": "lot", "people": "person", "storage": "storage"}
_INTEGERS = frozenset({"chambers", "magazine_capacity", "count"})
_FLAGS = frozenset({"personal", "close_range", "lockable"})
#: Roles that may register the production's first person (who then registers the rest).
_FIRST_ROLES = frozenset({"producer", "safety_coordinator"})
_LISTS = frozenset({"roles", "trainings", "permits"})
_TRUE = frozenset({"yes", "y", "true", "1", "x"})
_FALSE = frozenset({"no", "n", "false", "0", ""})

FileArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help="A CSV file (UTF-8) or an .xlsx workbook (its first sheet); the first row names "
        "the columns.",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Check every row and print its outcome; record nothing.")
]


class RowError(BadRequest):
    """A cell that cannot become its event field (internal: reported as the row's outcome)."""


@dataclass
class Row:
    """One data row of the file: its line number, its id, the event or what is wrong."""

    number: int
    ident: str
    event: dict[str, Any] | None = None
    error: str = ""
    kind: str = ""  # weapons, lots, people or storage


def _cell(column: str, text: str) -> Any:
    """The value of one cell as its event field wants it."""
    text = text.strip()
    if column in _INTEGERS:
        if not text:
            return None
        if not text.isdigit():
            raise RowError(f"column {column!r}: {text!r} is not a whole number")
        return int(text)
    if column in _FLAGS:
        if text.lower() not in _TRUE | _FALSE:
            raise RowError(f"column {column!r}: {text!r} is not yes or no")
        return text.lower() in _TRUE
    if column in _LISTS:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text or None


def _permit(text: str) -> dict[str, str]:
    """``ca-armorer:A-1:2027-06-30`` -> the permit as PersonRegistered holds it."""
    kind, number, expires = ([*text.split(":"), "", ""])[:3]
    if not (kind and number and expires):
        raise RowError(f"column 'permits': {text!r}: write KIND:NUMBER:EXPIRES")
    return {"kind": kind, "number": number, "expires": expires}


def _text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (6, not 6.0; dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every row of a UTF-8 CSV file, the header first."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            for values in reader:
                yield reader.line_num, values
    except UnicodeDecodeError:
        raise typer.BadParameter(
            f"{path.name} is not UTF-8 text: save it as CSV (UTF-8) or as .xlsx."
        ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every row of the first sheet of an .xlsx workbook."""
    from openpyxl import load_workbook  # a spreadsheet library, only for .xlsx files

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise typer.BadParameter(
            f"{path.name} is not an .xlsx workbook showclear can read ({e}): save it again "
            "as Excel Workbook (.xlsx) or as CSV (UTF-8)."
        ) from None
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(value) for value in values]
    finally:
        book.close()


def _read(path: Path, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line or row number, cells by column) for every data row of ``path``: a CSV file, or
    the first sheet of an .xlsx workbook, whose first row names the columns.

    Raises typer.BadParameter for a file that is neither UTF-8 CSV nor .xlsx, or lacks a
    required column.
    """
    suffix = path.suffix.lower()
    if suffix in {".xls", ".ods", ".numbers"}:
        raise typer.BadParameter(
            f"{path.name}: showclear reads .xlsx workbooks and CSV files: save it as "
            "Excel Workbook (.xlsx) or as CSV (UTF-8) first."
        )
    rows = _xlsx_rows(path) if suffix in {".xlsx", ".xlsm"} else _csv_rows(path)
    required, optional = COLUMNS[kind]
    first = next(rows, None)
    header = [name.strip().lower() for name in (first[1] if first else [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in required + optional]
    if missing or unknown:
        raise typer.BadParameter(
            f"{path.name}: "
            + "; ".join(
                [f"missing column(s) {', '.join(missing)}"] * bool(missing)
                + [f"unknown column(s) {', '.join(unknown)}"] * bool(unknown)
            )
            + f". The columns of {kind} are {', '.join(required)} (required) and "
            f"{', '.join(optional)} (optional)."
        )
    for number, values in rows:
        cells = {name: value.strip() for name, value in zip(header, values, strict=False) if name}
        if any(cells.values()):
            yield number, cells


def _present(projection: Projection, kind: str, ident: str) -> bool:
    looked_up: dict[str, Callable[[str], object]] = {
        "weapons": projection.weapon,
        "lots": projection.lot,
        "people": projection.person,
        "storage": projection.storage,
    }
    return looked_up[kind](ident) is not None


def _item(kind: str, cells: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The kind of one row and its cells: a manifest row's by its ``item`` column."""
    if kind != "manifest":
        return kind, cells
    item = cells.pop("item", "").lower()
    row_kind = _ITEMS.get(item)
    if row_kind is None:
        raise RowError(f"column 'item': {item!r} is not one of {', '.join(_ITEMS)}")
    required, optional = COLUMNS[row_kind]
    stray = [c for c, v in cells.items() if v and c not in required + optional]
    if stray:
        raise RowError(f"column {stray[0]!r} is not a column of a {item} row")
    if row_kind == "storage" and not cells.get("lockable"):
        raise RowError("column 'lockable': say yes or no (CUS-SECURED)")
    return row_kind, {c: v for c, v in cells.items() if c in required + optional}


def _check(
    *,
    app: App,
    slug: str,
    projection: Projection,
    kind: str,
    actor: str | None,
    rows: list[Row],
    path: Path,
) -> None:
    """Fill each row with its event or its error (checked as the single command would).

    With no ``actor`` (people only, on a production without people), the first row is the
    production's first person, who registers themselves and then every other row.
    """
    seen: dict[tuple[str, str], int] = {}
    read = list(_read(path, kind))
    # A manifest's storage rows are added first: its weapons and lots may go into them.
    new_storage = {
        cells.get("storage", "")
        for _, cells in read
        if kind == "manifest" and cells.get("item", "").lower() == "storage"
    }
    for number, all_cells in read:
        named = _ITEMS.get(all_cells.get("item", "").lower(), kind)  # a manifest row's item
        row = Row(number, all_cells.get(_ID.get(named, ""), ""), kind=kind)
        rows.append(row)
        try:
            row_kind, cells = _item(kind, dict(all_cells))
            row.kind = row_kind
            row.ident = ident = cells.get(_ID[row_kind], "")
            values = {c: _cell(c, v) for c, v in cells.items()}
            if row_kind == "weapons":
                values["personal"] = bool(values.get("personal"))
            if row_kind == "lots":  # as receive lot: a flag left off is absent, not false
                values = {c: v for c, v in values.items() if v is not False}
            if row_kind == "people":
                values["permits"] = [_permit(p) for p in values.get("permits") or []]
                values["trainings"] = values.get("trainings") or []
            column = _ID[row_kind]
            if (row_kind, ident) in seen:
                raise RowError(
                    f"column {column!r}: {ident!r} is also on row {seen[row_kind, ident]}"
                )
            if ident and _present(projection, row_kind, ident):
                raise RowError(f"column {column!r}: {ident!r} is already in this production")
            seen[row_kind, ident] = number
            by = actor
            if actor is None and len(rows) > 1:
                by = rows[0].ident  # the first person registers everyone after them
            row.event = propose(_EVENT[row_kind], by, **values)
            checked = dict(row.event)
            if checked.get("storage") in new_storage and row_kind != "storage":
                checked.pop("storage")  # added by a storage row of this file, before it
            check_arguments(app, slug, projection, checked)
            if actor is None and len(rows) == 1 and not _FIRST_ROLES & set(values["roles"]):
                raise RowError(
                    "column 'roles': the production's first person is a producer or the "
                    "safety coordinator, who registers everyone else"
                )
        except (RowError, ShowclearError) as e:
            row.error = str(e)
            row.event = None


def _refused(receipt: Receipt) -> str:
    return "; ".join(f"{f.rule_id}: {f.message}" for f in receipt.findings)


def _import(ctx: typer.Context, kind: str, path: Path, dry_run: bool, actor: str | None) -> None:
    st = state(ctx)
    app, slug = st.app(), st.slug()
    projection = app.projection(slug)
    if actor is None and (kind != "people" or projection.people()):
        err_console.print(
            "[bold red]Error:[/] give --as PERSON: who is importing (only the production's "
            "first people may be imported without it, the first row registering the rest)."
        )
        raise typer.Exit(ExitCode.USAGE)
    rows: list[Row] = []
    _check(
        app=app,
        slug=slug,
        projection=projection,
        kind=kind,
        actor=actor,
        rows=rows,
        path=path,
    )
    _refuse_bad_rows(rows, path, dry_run, "be recorded")
    if dry_run:
        out_console.print(f"Dry run: {len(rows)} rows would be recorded; nothing was recorded.")
        return
    # Every new person's PIN before anything is recorded: a short one stops the whole file.
    pins = {row.ident: new_pin(row.ident) for row in rows} if kind == "people" else {}
    short = [
        person for person, pin in pins.items() if len("".join(pin.split())) < MIN_SECRET_LENGTH
    ]
    if short:
        err_console.print(
            f"[bold red]Error:[/] the PIN for {escape(', '.join(short))} needs at least "
            f"{MIN_SECRET_LENGTH} characters that are not spaces. Nothing was recorded."
        )
        raise typer.Exit(ExitCode.USAGE)
    # One PIN for the whole file: the importer's, or the first person's own, just set.
    first = rows[0].ident if actor is None else None
    auth = credentials(actor) if first is None else Credentials(None, None, {})
    refused = 0
    for row in sorted(rows, key=lambda r: r.kind != "storage"):  # storage before its use
        assert row.event is not None
        if kind == "people":
            receipt, _ = app.register_person(slug, row.event, auth, pins[row.ident])
            if row.ident == first:
                if receipt.refused:  # nobody to register the rest: stop here
                    err_console.print(
                        f"row {row.number} {escape(row.ident)}: [bold red]REFUSED[/] "
                        f"{escape(_refused(receipt))}; nothing more was recorded."
                    )
                    raise typer.Exit(ExitCode.REFUSED)
                auth = Credentials(first, pins[first], {})
        else:
            receipt = app.submit(slug, row.event, auth)
        if receipt.refused:
            refused += 1
            err_console.print(
                f"row {row.number} {escape(row.ident)}: [bold red]REFUSED[/] "
                f"{escape(_refused(receipt))} (recorded as entry {receipt.first_index})"
            )
        else:
            out_console.print(
                f"row {row.number} {escape(row.ident)}: recorded (entry {receipt.first_index})"
            )
    out_console.print(f"{len(rows) - refused} of {len(rows)} rows recorded.")
    if refused:
        raise typer.Exit(ExitCode.REFUSED)


@import_app.command("weapons")
def import_weapons(
    ctx: typer.Context, file: FileArg, *, as_: ActAs, dry_run: DryRunOpt = False
) -> None:
    """Receive every weapon of a manifest: columns weapon, serial, make, model, category,
    caliber, chambers, action, storage, and optionally personal, magazine_capacity,
    received_from (the rental house or owner, for the acquisition and disposition book).

    Example: showclear import weapons manifest.csv --dry-run --as mo
    """
    _import(ctx, "weapons", file, dry_run, as_)


@import_app.command("lots")
def import_lots(
    ctx: typer.Context, file: FileArg, *, as_: ActAs, dry_run: DryRunOpt = False
) -> None:
    """Receive every lot of a manifest: columns lot, kind, caliber, count, supplier, origin,
    storage, and optionally load, close_range, personal.

    Example: showclear import lots lots.csv --as mo
    """
    _import(ctx, "lots", file, dry_run, as_)


@import_app.command("people")
def import_people(
    ctx: typer.Context,
    file: FileArg,
    *,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="PERSON",
            help=AS_HELP + " Leave out on a production without people: the first row (a "
            "producer or the safety coordinator) registers themselves, then everyone else.",
        ),
    ] = None,
    dry_run: DryRunOpt = False,
) -> None:
    """Register every person of a crew list: columns person, name, roles, and optionally
    trainings, permits (several separated by ';', a permit as KIND:NUMBER:EXPIRES).

    Each new person's PIN is read from $SHOWCLEAR_PIN_<PERSON>, else typed twice. On a
    new production, leave out --as: the first row registers themselves, as person add
    does without --as, and then registers the others with the PIN they just set.

    Example: showclear import people crew.csv --as sam
    """
    _import(ctx, "people", file, dry_run, as_)


@import_app.command("manifest")
def import_manifest(
    ctx: typer.Context, file: FileArg, *, as_: ActAs, dry_run: DryRunOpt = False
) -> None:
    """Receive a whole rental manifest in one file: storage locations, weapons and lots, each
    row's item column saying which (storage, weapon or lot) and filling that item's columns.

    A storage row: storage, name, lockable. A weapon row: the columns of import weapons.
    A lot row: the columns of import lots. Storage rows are added first, so the weapons
    and lots of the same file may go into them. One bad row refuses the whole file.

    Example: showclear import manifest rental.csv --dry-run --as mo
    """
    _import(ctx, "manifest", file, dry_run, as_)


CsvFileArg = Annotated[
    Path, typer.Argument(metavar="FILE.csv", dir_okay=False, help="The CSV file to write.")
]


@import_app.command("call-sheet")
def import_call_sheet(
    ctx: typer.Context,
    file: FileArg,
    *,
    as_: ActAs,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="The shoot day to open (as day open)."),
    ] = None,
    revise: Annotated[
        bool, typer.Option("--revise", help="Revise the open day's call sheet instead.")
    ] = False,
    dry_run: DryRunOpt = False,
) -> None:
    """Open a shoot day (or revise its call sheet) from a call sheet export: columns person,
    duties (several separated by ';', e.g. handler;props).

    Every person must be registered and on one row only; one bad row refuses the file.

    Example: showclear import call-sheet call-sheet.csv --date 2026-11-26 --as lee
    """
    st = state(ctx)
    projection = st.app().projection(st.slug())
    rows: list[Row] = []
    sheet: list[Duty] = []
    seen: dict[str, int] = {}
    for number, cells in _read(file, "call-sheet"):
        person = cells.get("person", "")
        row = Row(number, person)
        rows.append(row)
        duties = tuple(d.strip() for d in cells.get("duties", "").split(";") if d.strip())
        if person in seen:
            row.error = f"column 'person': {person!r} is also on row {seen[person]}"
        elif projection.person(person) is None:
            row.error = f"column 'person': there is no person {person!r} in this production"
        elif not duties:
            row.error = "column 'duties': no duty (handler, performer, first_ad, ...)"
        seen.setdefault(person, number)
        sheet.append(Duty(person, duties))
    _refuse_bad_rows(rows, file, dry_run, "be on the call sheet")
    if dry_run:
        out_console.print(f"Dry run: a call sheet of {len(rows)} people; nothing was recorded.")
    elif revise:
        day_revise(ctx, sheet, as_)
    else:
        day_open(ctx, sheet, as_, date)


#: The columns of ``export-csv inventory``.
INVENTORY_COLUMNS = (
    "kind", "id", "state", "location", "serial", "make", "model", "category", "caliber",
    "chambers", "supplier", "origin", "received", "in_storage", "in_weapons", "expended",
)  # fmt: skip


@export_app.command("inventory")
def export_inventory(
    ctx: typer.Context,
    csv_file: CsvFileArg,
) -> None:
    """Write every weapon and lot of the inventory with its state to a CSV file.

    Example: showclear export-csv inventory inventory.csv
    """
    st = state(ctx)
    projection = st.app().projection(st.slug())
    with csv_file.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, INVENTORY_COLUMNS)
        writer.writeheader()
        for ident, weapon in projection.weapons():
            writer.writerow(
                {
                    "kind": "weapon",
                    "id": ident,
                    "state": weapon["state"],
                    "location": weapon["location"],
                    "serial": weapon["serial"],
                    "make": weapon["make"],
                    "model": weapon["model"],
                    "category": weapon["category"],
                    "caliber": weapon["caliber"],
                    "chambers": len(weapon["chambers"]),
                }
            )
        for ident, lot in projection.lots():
            writer.writerow(
                {
                    "kind": f"lot ({lot['kind']})",
                    "id": ident,
                    "location": lot["storage"],
                    "caliber": lot["caliber"],
                    "supplier": lot["supplier"],
                    "origin": lot["origin"],
                    "received": lot["received"],
                    "in_storage": lot["in_storage"],
                    "in_weapons": lot["in_weapons"],
                    "expended": lot["expended"],
                }
            )
    out_console.print(f"Inventory written to {escape(str(csv_file))}.")


#: The columns of ``export-csv refusals``.
REFUSAL_COLUMNS = (
    "entry", "at", "actor", "attempted", "weapon", "lot", "parties", "rules", "reasons",
)  # fmt: skip


@export_app.command("refusals")
def export_refusals(ctx: typer.Context, csv_file: CsvFileArg) -> None:
    """Write every refused attempt (who, what, the rules and why) to a CSV file.

    Example: showclear export-csv refusals refusals.csv
    """
    st = state(ctx)
    with st.app().forensics(st.slug()) as f:
        found = f.refusals(None, None).refusals
    with csv_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, REFUSAL_COLUMNS)
        writer.writeheader()
        for r in found:
            writer.writerow(
                {
                    "entry": r.index,
                    "at": r.at,
                    "actor": r.actor or "",
                    "attempted": r.attempted,
                    "weapon": r.weapon or "",
                    "lot": r.lot or "",
                    "parties": "; ".join(r.parties),
                    "rules": "; ".join(r.rules),
                    "reasons": "; ".join(r.reasons),
                }
            )
    out_console.print(f"{len(found)} refusals written to {escape(str(csv_file))}.")


#: The columns of ``export-csv custody``.
CUSTODY_COLUMNS = (
    "weapon", "entry", "at", "type", "actor", "what", "refused", "rules", "location", "holder",
    "chambers", "state",
)  # fmt: skip


@export_app.command("custody")
def export_custody(
    ctx: typer.Context,
    csv_file: CsvFileArg,
    weapon: Annotated[
        list[str] | None,
        typer.Option(metavar="WEAPON", help="Only this weapon (repeat for several)."),
    ] = None,
) -> None:
    """Write every weapon's custody history (every entry about it, the state after) to CSV.

    Example: showclear export-csv custody custody.csv --weapon colt-1
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()
    wanted = weapon or [ident for ident, _ in app.projection(slug).weapons()]
    rows = 0
    with app.forensics(slug) as f, csv_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, CUSTODY_COLUMNS)
        writer.writeheader()
        for ident in wanted:
            for entry in f.weapon_chain(ident).entries:
                rows += 1
                writer.writerow(
                    {
                        "weapon": ident,
                        "entry": entry.index,
                        "at": entry.at,
                        "type": entry.type,
                        "actor": entry.actor or "",
                        "what": entry.summary,
                        "refused": "yes" if entry.refused else "no",
                        "rules": "; ".join(entry.rules),
                        "location": entry.location or "",
                        "holder": entry.holder or "",
                        "chambers": "; ".join(entry.chambers),
                        "state": entry.state or "",
                    }
                )
    out_console.print(f"{rows} custody entries written to {escape(str(csv_file))}.")


#: The columns of ``export-csv rounds``: a lot's accounting, every round somewhere.
ROUND_COLUMNS = (
    "lot", "kind", "caliber", "received", "verified", "in_storage", "in_weapons", "expended",
    "returned", "destroyed", "missing", "quarantined", "live_found", "discrepancy",
)  # fmt: skip


@export_app.command("rounds")
def export_rounds(ctx: typer.Context, csv_file: CsvFileArg) -> None:
    """Write the round accounting of every lot (received, where each round is now) to CSV.

    Example: showclear export-csv rounds rounds.csv
    """
    st = state(ctx)
    lots = st.app().projection(st.slug()).lots()
    with csv_file.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ROUND_COLUMNS)
        writer.writeheader()
        for ident, lot in lots:
            writer.writerow({"lot": ident, **{c: lot[c] for c in ROUND_COLUMNS[1:]}})  # type: ignore[literal-required]
    out_console.print(f"{len(lots)} lots written to {escape(str(csv_file))}.")


def register(app: typer.Typer) -> None:
    """Add ``import`` and ``export`` to the CLI."""
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export-csv")


def _refuse_bad_rows(rows: list[Row], path: Path, dry_run: bool, outcome: str) -> None:
    """Print every row's outcome on a dry run or when any row is bad; refuse a file with a bad
    row whole (``outcome`` completes "would ..." and "cannot ...").

    Raises:
        typer.Exit: a row is bad (exit 2); nothing was recorded.
    """
    bad = [row for row in rows if row.error]
    if bad or dry_run:
        for row in rows:
            said = f"[red]{escape(row.error)}[/]" if row.error else f"would {outcome}"
            out_console.print(f"row {row.number} {escape(row.ident or '(no id)')}: {said}")
    if bad:
        err_console.print(
            f"[bold red]Error:[/] {len(bad)} of {len(rows)} rows of {escape(path.name)} "
            f"cannot {outcome}: fix them and import again. Nothing was recorded."
        )
        raise typer.Exit(ExitCode.USAGE)
