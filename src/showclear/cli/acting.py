"""The one path every set command takes: the typed command, PINs, ``App.submit``, the outcome.

A CLI command names its event type and gives its fields as keywords; the command of that
type (:mod:`showclear.commands`, the same body the API and the web use) checks them
before anyone is asked for a PIN, and the catalogue says who must confirm and what.
"""

from __future__ import annotations

from typing import Any

import typer

from showclear.cli.context import state
from showclear.cli.identity import credentials
from showclear.cli.render import outcome
from showclear.commands import command_for
from showclear.service.commands import Receipt
from showclear.service.known import check_arguments, check_decidable, expand_chambers

__all__ = ["act", "propose"]


def propose(event_type: str, actor: str | None, **values: Any) -> dict[str, Any]:
    """The event ``actor`` proposes: ``values`` checked as the command of ``event_type``.

    The command's path field (the weapon, lot, setup ... acted on) and the fields that are
    the acting person come from ``values`` and ``actor``.

    Raises InvalidCommand naming every value that does not fit.
    """
    model = command_for(event_type)
    declared = model.SPEC.command
    assert declared is not None
    outside = {declared.path} - {None}
    from_path = {name: values.pop(name) for name in outside if name in values}
    from_path.update(dict.fromkeys(declared.from_actor, actor))
    for name in declared.actor_default:
        if values.get(name) is None:
            values[name] = actor
    body = model.parse(**{k: v for k, v in values.items() if v is not None})
    return body.event(**from_path)


def act(
    ctx: typer.Context, event_type: str, what: str, *, actor: str | None, **values: Any
) -> Receipt:
    """Submit the command of ``event_type`` with ``values`` as ``actor``, each person the
    catalogue names as confirming asked for their own PIN, and print the outcome described
    by ``what``; exit 4 if a rule refused it.
    """
    st = state(ctx)
    app, slug = st.app(), st.slug()  # an unknown production fails before any PIN is asked
    projection = app.projection(slug)
    expand_chambers(projection, event_type, values)  # inspect --chambers empty: all of them
    event = propose(event_type, actor, **values)
    # A typo (an id never registered here, chambers the weapon has not) is an input error
    # with suggestions, before any PIN: a refusal is recorded only for a real attempt.
    check_arguments(app, slug, projection, event)
    check_decidable(app, projection, event, actor)  # the validity layer's input errors too
    spec = command_for(event_type).SPEC
    confirmers = [
        (person, confirmation.prompt.format(**_readable(event)))
        for confirmation in spec.confirms
        for person in confirmation.people(event)
    ]
    auth = credentials(actor, confirmers)
    result = app.submit(slug, event, auth)
    outcome(result, what)
    return result


def _readable(event: dict[str, Any]) -> dict[str, str]:
    """The event's fields as a person reads them in a prompt (lists joined by commas)."""
    return {
        key: ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        for key, value in event.items()
    }
