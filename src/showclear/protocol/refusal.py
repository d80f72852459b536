"""A refused attempt always fits in the ledger: its oversized parts are cut, their SHA-256 kept.

An ``AttemptRefused`` entry copies the attempt whole, with a reason per blocking finding.
An attempt padded with a long list or long text (200 people near the line of fire, each
with a long name) would make that entry larger than the ledger accepts
(:data:`showclear.ledger.MAX_ENTRY_BYTES`), and the refusal would be answered "entry too
large" and left out of the record: an unsafe attempt could keep itself out of the record
by padding (issue 15). Here the refusal is cut down instead, never dropped:

1. a refusal under :data:`REFUSAL_BUDGET` bytes is kept as decided;
2. otherwise its largest parts (a top-level field of the attempt, or the reasons) are cut
   one by one, largest first, until it fits: a list keeps its first items (at least one),
   a text its first characters followed by "…";
3. each cut part leaves a reason saying what was cut, how many bytes it had and the
   SHA-256 of its canonical JSON (sorted keys, no spaces, UTF-8: the ledger's own form),
   so whoever holds the original request can prove what was attempted.

The attempt keeps its event type's shape (lists shortened within their bounds, texts
non-empty), so the entry is checked like any other.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from showclear.ledger import MAX_ENTRY_BYTES

__all__ = ["KEPT_BYTES", "REFUSAL_BUDGET", "bounded"]

#: A refusal larger than this, in canonical JSON, is cut down: half an entry, leaving room
#: for what the service adds to an entry (times, assurance, signatures).
REFUSAL_BUDGET: Final = MAX_ENTRY_BYTES // 2
#: About how much of a cut part is kept, in bytes of canonical JSON.
KEPT_BYTES: Final = 2048

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _encoded(value: object) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def bounded(refusal: dict[str, Any]) -> dict[str, Any]:
    """``refusal`` (an ``AttemptRefused`` event) cut to :data:`REFUSAL_BUDGET` bytes, if over."""
    if len(_encoded(refusal)) <= REFUSAL_BUDGET:
        return refusal
    attempted: dict[str, Any] = dict(refusal["attempted"])
    holders: dict[str, Any] = {"reasons": list(refusal["reasons"])}
    parts = [(f"attempted.{key}", attempted, key) for key, v in attempted.items()]
    parts.append(("reasons", holders, "reasons"))
    parts.sort(key=lambda part: len(_encoded(part[1][part[2]])), reverse=True)
    notes: list[str] = []

    def current() -> dict[str, Any]:
        return {**refusal, "attempted": attempted, "reasons": holders["reasons"] + notes}

    for label, holder, key in parts:
        if len(_encoded(current())) <= REFUSAL_BUDGET:
            break
        value = holder[key]
        encoded = _encoded(value)
        if len(encoded) <= KEPT_BYTES or not isinstance(value, str | list):
            continue
        holder[key], kept = _cut(value)
        digest = hashlib.sha256(encoded).hexdigest()
        notes.append(
            f"cut to fit the ledger: {label} had {len(encoded)} bytes of canonical JSON "
            f"with SHA-256 {digest}; {kept} kept"
        )
    return current()


def _cut(value: str | list[Any]) -> tuple[str | list[Any], str]:
    if isinstance(value, str):
        shown = value[: KEPT_BYTES // 4]  # a character is at most 4 bytes of UTF-8
        return shown + "…", f"its first {len(shown)} of {len(value)} characters"
    kept: list[Any] = []
    size = 0
    for item in value:
        size += len(_encoded(item))
        if kept and size > KEPT_BYTES:
            break
        kept.append(item)
    return kept, f"its first {len(kept)} of {len(value)} items"
