"""Idempotency keys of writes: a retry of a recorded write records nothing new (issue 15).

A client that sends a write and gets no answer (the connection cut, a 503 while the
database committed) cannot know whether it was recorded. Sent with an ``Idempotency-Key``
header, a write stores the key, a hash of the request and the receipt it got in the same
transaction that records it, so the two are committed together or not at all. A retry
under the same key then returns that receipt and records nothing; the same key with a
different request is refused. Keys are kept :data:`IDEMPOTENCY_TTL`, per production and
person (docs/api.md, "Retrying safely").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Final

from showclear.ledger import canonical_json
from showclear.protocol import Finding
from showclear.protocol.time import format_time
from showclear.service.commands import Receipt
from showclear.service.errors import BadRequest
from showclear.store import Session

__all__ = ["IDEMPOTENCY_TTL", "remember", "replay", "request_digest"]

#: How long a write's key is remembered: a retry after that records the write again.
IDEMPOTENCY_TTL: Final = timedelta(hours=24)


def request_digest(proposed: dict[str, Any]) -> str:
    """The SHA-256 (hex) of the proposed event as the request gave it."""
    return hashlib.sha256(canonical_json(proposed)).hexdigest()


def replay(session: Session, person: str, key: str, digest: str) -> Receipt | None:
    """The receipt of ``person``'s write already recorded under ``key``, or None.

    Raises:
        BadRequest: the key was used for a different request.
    """
    found = session.idempotent(person, key)
    if found is None:
        return None
    request_hash, first_index, size, answer = found
    if request_hash != digest:
        raise BadRequest(
            f"the Idempotency-Key {key!r} was used for a different request; "
            "send each new write under a new key"
        )
    given = json.loads(answer)
    return Receipt(
        given["outcome"],
        [Finding(**finding) for finding in given["findings"]],
        [row.event() for row in session.entries(first_index, size)],
        first_index,
        size,
        session.checkpoint(size)[1],
        tuple(given.get("notices", ())),
    )


def remember(
    session: Session, person: str, key: str, digest: str, receipt: Receipt, *, now: datetime
) -> None:
    """Store ``receipt`` under ``key`` in the transaction that recorded it."""
    answer = json.dumps(
        {
            "outcome": receipt.outcome,
            "findings": [asdict(finding) for finding in receipt.findings],
            "notices": list(receipt.notices),
        },
        sort_keys=True,
    )
    session.remember_idempotent(
        person,
        key,
        (digest, receipt.first_index, receipt.size, answer),
        format_time(now),
        format_time(now - IDEMPOTENCY_TTL),
    )
