"""What a verifier trusts: the log key and the witness keys it pinned, and a quorum.

A ledger that verifies proves only that it is consistent: whoever holds *a* key can
write a consistent ledger under any origin. Authenticity comes from keys obtained
independently of the ledger (DESIGN, "Trust: who can forge what"):

1. the production's key (a C2SP signed-note verifier key, type 0x01): the ledger's
   checkpoints must be signed by exactly this key;
2. witness keys (C2SP tlog-cosignature verifier keys, type 0x04) and a quorum K: the
   latest checkpoint must carry valid cosignatures of at least K of them, so that
   even the holder of the production's key cannot have rewritten what they saw.

Any cosignature by a pinned witness, on any checkpoint, must verify. Cosignatures by
keys that were not pinned cannot be checked and prove nothing; they are counted, not
trusted. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from showclear.ledger.cosignature import CosignatureVerifier, cosignatures_in
from showclear.ledger.errors import CosignatureError
from showclear.ledger.note import Ed25519Verifier

__all__ = ["NOT_PINNED", "Pins", "check_quorum", "cosigners_of"]

#: What a verifier says when no key was pinned: consistency is not authenticity.
NOT_PINNED = (
    "The ledger is consistent, but it was not checked against a key you trust: authenticity "
    "was NOT checked. Pass --key with the production's verifier key, obtained from the "
    "production itself (and --witness with the keys of its witnesses)."
)


@dataclass(frozen=True)
class Pins:
    """The keys a verifier obtained independently, and how many witnesses must agree."""

    key: Ed25519Verifier | None = None
    witnesses: tuple[CosignatureVerifier, ...] = ()
    quorum: int = 0

    @classmethod
    def parse(
        cls, key: str | None, witnesses: Sequence[str] = (), quorum: int | None = None
    ) -> Pins:
        """Pins from verifier key strings; the quorum is every witness unless given.

        Raises:
            NoteError: the production key is not an Ed25519 verifier key.
            CosignatureError: a witness key is not a cosigner key, one is given twice, or
                the quorum is below 1 or above the number of witnesses.
        """
        log_key = Ed25519Verifier.from_verifier_key(key) if key is not None else None
        pinned = tuple(CosignatureVerifier(w) for w in witnesses)
        seen = [(w.name, w.key_id) for w in pinned]
        if len(set(seen)) != len(seen):
            raise CosignatureError("the same witness key is pinned twice; give each one once")
        if quorum is None:
            quorum = len(pinned)
        elif not pinned:
            raise CosignatureError("a quorum needs the witness keys it counts: pass --witness")
        elif not 1 <= quorum <= len(pinned):
            raise CosignatureError(
                f"a quorum of {quorum} cannot be met by {len(pinned)} pinned witness"
                f"{'es' if len(pinned) != 1 else ''}: give 1 to {len(pinned)}"
            )
        return cls(log_key, pinned, quorum)

    @property
    def authentic(self) -> bool:
        """Whether a verification with these pins checks who signed, not only consistency."""
        return self.key is not None


def cosigners_of(note: str, witnesses: Sequence[CosignatureVerifier]) -> dict[str, int]:
    """The pinned witnesses that cosigned ``note``, each with its cosignature's timestamp.

    Raises:
        CosignatureError: a signature line is malformed, or a cosignature naming a
            pinned witness and its key id does not verify.
    """
    present = {(c.name, c.key_id) for c in cosignatures_in(note)}
    return {w.name: w.verify(note) for w in witnesses if (w.name, w.key_id) in present}


def check_quorum(size: int, cosigners: dict[str, int], pins: Pins) -> None:
    """The checkpoint at ``size`` carries a quorum of the pinned witnesses' cosignatures.

    Raises:
        CosignatureError: fewer than ``pins.quorum`` pinned witnesses cosigned it; the
            message names the missing ones.
    """
    if len(cosigners) >= pins.quorum:
        return
    missing = ", ".join(w.name for w in pins.witnesses if w.name not in cosigners)
    have = ", ".join(sorted(cosigners)) or "none"
    raise CosignatureError(
        f"checkpoint {size} is cosigned by {len(cosigners)} of the witnesses you pinned "
        f"({have}), and {pins.quorum} are needed; not cosigned by: {missing}. Either the "
        "witnesses have not seen this checkpoint yet (push it to them, then export again), "
        "or the ledger is not the one they witnessed"
    )
