"""GET /reports/book: the acquisition and disposition book over the API, as the CLI writes it."""

from __future__ import annotations

import csv
import io

import httpx

from .world import World


def test_the_book_as_csv_lists_every_weapon_received(client: httpx.Client, world: World) -> None:
    """A member gets the book as CSV: one row per weapon held, each with its serial."""
    response = client.get(world.path("/reports/book?format=csv"), headers=world.auth("cree"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = {row["weapon"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert "rev-1" in rows
    assert rows["rev-1"]["serial"] and rows["rev-1"]["status"].startswith("held:")


def test_the_book_as_pdf_and_a_wrong_format(client: httpx.Client, world: World) -> None:
    """The default is a PDF; a format other than pdf or csv is 422."""
    response = client.get(world.path("/reports/book"), headers=world.auth("cree"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    wrong = client.get(world.path("/reports/book?format=xls"), headers=world.auth("cree"))
    assert wrong.status_code == 422
