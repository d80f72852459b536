"""The board says how far behind each witness is (issue 14 item 2), in words."""

from __future__ import annotations

import re

from showclear.ledger.cosignature import Cosigner
from showclear.service import App
from showclear.service.witnessing import witness_status
from showclear.store import ProductionInfo, WitnessRefusalRow, WitnessStateRow
from showclear.web.board import by_danger
from showclear.web.render import fragment


def _board(app: App, slug: str) -> str:
    """The board's refreshing part as rendered, its tags taken out."""
    board = app.board(slug)
    html = fragment(
        "board_live.html",
        board=board,
        weapons=by_danger(board),
        witnesses=witness_status(app, slug),
        ui=lambda rest="/": f"/ui/{slug}{rest}",
    )
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_the_board_shows_each_witness_lag_and_a_refusal(
    app: App, production: ProductionInfo
) -> None:
    """One witness up to date; one behind by every entry, that refused this ledger once."""
    listed = [
        {"name": name, "url": f"http://{name}.example", "key": Cosigner.generate(name).verifier_key}
        for name in ("insurer", "union")
    ]
    change = {"witnesses": listed, "witness_quorum": 2}
    at = production.created_at
    app.append_unchecked(
        production.slug, [{"type": "PolicyChanged", "at": at, "actor": None, "changes": change}]
    )
    size = app.production(production.slug).size
    with app.store.write(production.slug) as session:
        session.put_witness_state(WitnessStateRow("insurer", size, size))
        session.put_witness_state(WitnessStateRow("union", 0, 0, last_error="unreachable: down"))
        session.add_witness_refusal(WitnessRefusalRow("union", at, 422, size, "old 5\n", "no"))
    text = _board(app, production.slug)
    assert "Witnesses (quorum 2 of 2)" in text
    assert f"insurer: up to date, cosigned all {size} entries" in text
    assert f"union: {size} entries and 0 min behind (cosigned 0 of {size})" in text
    assert "Last answer: unreachable: down" in text
    assert "REFUSED it refused this ledger 1 time" in text


def test_a_production_without_witnesses_shows_no_witness_section(
    app: App, production: ProductionInfo
) -> None:
    """Nothing to say where nobody is asked."""
    assert "Witnesses" not in _board(app, production.slug)
