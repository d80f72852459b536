"""Fixtures of the studio view's tests: productions seeded as the demo day, grants by a producer.

A production here is a real one: the demo day's people, inventory, setups and safety
meeting (tests/web/seed.py), recorded through the service as trusted commands, so the
studio view reads what a set would have written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.cli.conftest import cli, command_tree_built_once  # noqa: F401  (fixtures test_cli uses)
from tests.web.seed import seed_production

from showclear.service import TRUSTED, App, FixedClock
from showclear.service.commands import Receipt

#: The demo day's people: the producer who grants, and the crew.
PRODUCER = "paul"
ARMORER = "maria"
PERFORMER = "jack"
SAFETY = "ruth"


def submit(app: App, slug: str, **event: Any) -> Receipt:
    """Record ``event`` as a trusted command; fail the test if a rule refuses it."""
    outcome = app.submit(slug, event, TRUSTED)
    assert not outcome.refused, (event["type"], outcome.rule_ids)
    return outcome


def grant(app: App, slug: str, account: str, role: str) -> Receipt:
    """The producer lets ``account`` see production ``slug`` as ``role``."""
    return submit(app, slug, type="StudioAccessGranted", actor=PRODUCER, account=account, role=role)


def revoke(app: App, slug: str, account: str) -> Receipt:
    """The producer stops ``account`` from seeing production ``slug``."""
    return submit(app, slug, type="StudioAccessRevoked", actor=PRODUCER, account=account)


def in_trouble(app: App, slug: str) -> None:
    """Colt-1 out of storage with the armorer, incident 1 open (a cease-fire), and an
    unanswered stop-work concern raised by the performer."""
    submit(app, slug, type="WeaponTakenOut", actor=ARMORER, weapon="colt-1", setup="12B")
    submit(
        app,
        slug,
        type="IncidentReported",
        actor=SAFETY,
        kind="unintended_discharge",
        description="Jack Dalton's hand grazed by a discharge at the cart",
    )
    submit(
        app,
        slug,
        type="ConcernRaised",
        actor=PERFORMER,
        text="My ears still ring from the last take",
        anonymous=False,
        stop_work=True,
    )


@pytest.fixture
def seeded(app: App, clock: FixedClock) -> Callable[[str], str]:
    """Make a production named ``name``, seeded as the demo day; its slug."""

    def make(name: str) -> str:
        return seed_production(app, name, clock.now().date())

    return make
