"""Entries recorded under an older, looser rule keep replaying (issue 15's stricter input).

Issue 15 made intake stricter: text may hold no control character (only NUL before), and
a role or a meeting's attendee may be named once. A ledger written before holds entries
that break the new rules; it is history, so it must still replay, verify and rebuild,
while a new command with the same content is refused.
"""

from __future__ import annotations

import pytest

from showclear.ledger import canonical_json
from showclear.protocol import MalformedEventError, validate_event
from showclear.protocol.schema import recorded_entries
from showclear.service import App
from showclear.service.ledger import append_entries
from showclear.service.repair import rebuild_projection
from showclear.store import ProductionInfo

OLD_STYLE = {
    "type": "PersonRegistered",
    "actor": None,
    "person": "ava",
    "name": "Ava \x1b Reyes",  # an escape character: refused today, accepted before
    "roles": ["armorer", "armorer"],  # a role named twice: the same
}


def test_an_entry_recorded_under_the_older_rules_replays_verifies_and_rebuilds(
    app: App, production: ProductionInfo
) -> None:
    event = {**OLD_STYLE, "at": production.created_at}
    with pytest.raises(MalformedEventError):
        validate_event(event)  # today's intake refuses it
    with recorded_entries():
        validate_event(event)  # as a recorded entry it is read
    # Written as an older showclear would have, straight into the ledger.
    signer = app.keyring.signer_for(production.verifier_key)
    with app.store.write(production.slug) as session:
        append_entries(session, signer, [canonical_json(event)])
    assert rebuild_projection(app.store, production.slug) == 2
    report = app.verify(production.slug)
    assert report.ok, report.problem
    assert app.projection(production.slug).person("ava") is not None


def test_a_new_command_with_the_same_content_is_refused_naming_the_field(
    app: App, production: ProductionInfo
) -> None:
    with pytest.raises(MalformedEventError, match="roles"):
        validate_event({**OLD_STYLE, "name": "Ava Reyes", "at": production.created_at})
