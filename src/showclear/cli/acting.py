"""The one path every set command takes: credentials, ``App.submit``, the outcome printed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer

from showclear.cli import identity, render
from showclear.cli.context import state
from showclear.service.commands import Receipt

__all__ = ["act"]


def act(
    ctx: typer.Context,
    event: dict[str, Any],
    what: str,
    *,
    actor: str | None,
    confirmers: Sequence[tuple[str, str]] = (),
) -> Receipt:
    """Submit ``event`` as ``actor`` with the confirmations of ``confirmers`` and print the
    outcome described by ``what``; exit 4 if a rule refused it.

    ``confirmers`` lists (person, why) pairs: each person is asked for their own PIN.
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()  # an unknown production fails before any PIN is asked
    auth = identity.credentials(actor, confirmers)
    result = app.submit(slug, event, auth)
    render.outcome(result, what)
    return result
