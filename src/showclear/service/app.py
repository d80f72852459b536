"""The application service: one method per thing a person or device can ask.

The CLI, the API and the tests all build it through :func:`build_app`, the one
place that wires storage, keys and the clock together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from showclear.ledger import canonical_json
from showclear.service.clock import Clock, SystemClock, format_time
from showclear.service.errors import BadRequest, NotFound
from showclear.service.keys import FileKeyring, Keyring
from showclear.service.ledger import (
    AppendResult,
    ConsistencyProofText,
    append_entries,
    prove_consistency,
    prove_inclusion,
)
from showclear.service.verify import Progress, VerifyReport, verify_ledger
from showclear.store import ProductionInfo, Store, StoreError, open_store

__all__ = ["App", "build_app", "slugify"]

DEFAULT_ORIGIN_BASE = "showclear.example/productions"


def slugify(name: str) -> str:
    """A production's short id from its name: lowercase letters, digits and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise BadRequest(f"the production name {name!r} needs at least one letter or digit")
    return slug


class App:
    """showclear's service layer over one store."""

    def __init__(self, store: Store, keyring: Keyring, clock: Clock) -> None:
        self.store = store
        self.keyring = keyring
        self.clock = clock

    def close(self) -> None:
        self.store.close()

    # -- productions -------------------------------------------------------

    def productions(self) -> list[ProductionInfo]:
        """Every production in this database."""
        return self.store.productions()

    def resolve(self, slug: str | None) -> str:
        """The production to act on: ``slug``, or the only one in the database.

        Raises:
            NotFound: no such production, or none at all.
            BadRequest: several productions exist and none was named.
        """
        known = [p.slug for p in self.store.productions()]
        if slug is not None:
            if slug not in known:
                listed = ", ".join(known) or "none"
                raise NotFound(f"there is no production {slug!r} here (productions: {listed})")
            return slug
        if not known:
            raise NotFound(
                "this database has no production yet; run: showclear init --production NAME"
            )
        if len(known) > 1:
            raise BadRequest(
                f"this database holds several productions ({', '.join(known)}); "
                "choose one with --production SLUG"
            )
        return known[0]

    def init_production(
        self, name: str, *, origin: str | None = None, slug: str | None = None
    ) -> ProductionInfo:
        """Create a production whose first entry names it and its public key."""
        slug = slug or slugify(name)
        origin = origin or f"{DEFAULT_ORIGIN_BASE}/{slug}"
        if any(p.slug == slug or p.origin == origin for p in self.store.productions()):
            raise BadRequest(
                f"a production with slug {slug!r} or origin {origin!r} already exists here"
            )
        if any(ch.isspace() for ch in origin) or "+" in origin:
            raise BadRequest(f"the origin {origin!r} must contain no spaces and no '+'")
        signer = self.keyring.create(origin)
        now = format_time(self.clock.now())
        info = ProductionInfo(slug, name, origin, signer.verifier().verifier_key(), 0, now)
        first = {
            "type": "ProductionCreated",
            "at": now,
            "actor": None,
            "production": name,
            "slug": slug,
            "origin": origin,
            "public_key": info.verifier_key,
        }
        # The production and its first entry are one transaction: never one without the other.
        with self.store.create_production(info) as session:
            append_entries(session, signer, [canonical_json(first)])
        return self.production(slug)

    def production(self, slug: str) -> ProductionInfo:
        with self.store.read(slug) as session:
            return session.production()

    # -- the ledger --------------------------------------------------------

    def append(self, slug: str, events: Sequence[Any]) -> AppendResult:
        """Append events as canonical entries under one new signed checkpoint."""
        data = [canonical_json(e) for e in events]
        info = self.production(slug)
        signer = self.keyring.signer_for(info.verifier_key)
        with self.store.write(slug) as session:
            return append_entries(session, signer, data)

    def checkpoint(self, slug: str, size: int | None = None) -> str:
        """The signed checkpoint note at ``size`` (the latest by default)."""
        with self.store.read(slug) as session:
            try:
                return session.checkpoint(size)[1]
            except StoreError as e:
                raise NotFound(str(e)) from e

    def verifier_key(self, slug: str) -> str:
        """The production's verifier key string ``name+keyid+base64``."""
        return self.production(slug).verifier_key

    def prove_inclusion(self, slug: str, index: int, size: int | None = None) -> str:
        """The C2SP tlog-proof of entry ``index``."""
        with self.store.read(slug) as session:
            return prove_inclusion(session, index, size).format()

    def prove_consistency(
        self, slug: str, old_size: int, new_size: int | None = None
    ) -> ConsistencyProofText:
        """The proof that the ledger at ``old_size`` is a prefix of it at ``new_size``."""
        with self.store.read(slug) as session:
            return prove_consistency(session, old_size, new_size)

    def verify(self, slug: str, progress: Progress | None = None) -> VerifyReport:
        """Recompute and check everything stored for the production."""
        with self.store.read(slug) as session:
            return verify_ledger(session, progress=progress)


def build_app(
    db: str,
    *,
    key_dir: Path | None = None,
    clock: Clock | None = None,
    keyring: Keyring | None = None,
) -> App:
    """Wire a store, a keyring and a clock into an :class:`App`."""
    store = open_store(db)
    return App(store, keyring or FileKeyring(key_dir), clock or SystemClock())
