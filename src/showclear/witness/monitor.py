"""A monitor: compare a production's checkpoint with what its witnesses hold (split views).

A split view is two checkpoints of one origin, each signed by the log's key, that cannot
both be prefixes of one history: the same size with two roots, or two sizes without a
consistency proof between them. One view from the production's server
(``GET /productions/SLUG/ledger/checkpoint``) and one from each witness (C2SP
tlog-witness monitor retrieval, ``GET <witness>/<hex SHA-256 of origin>/checkpoint``) are
checked pair by pair, the proofs asked of the server
(``GET /productions/SLUG/ledger/consistency?old=A&new=B``).

A server that shows a smaller tree than a witness has cosigned is reported too: it is
hiding entries it once published (a rollback), or it is stale.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from showclear.ledger.checkpoint import Checkpoint, open_checkpoint
from showclear.ledger.cosignature import CosignatureVerifier
from showclear.ledger.errors import LedgerError, ProofError
from showclear.ledger.merkle import verify_consistency
from showclear.ledger.note import Ed25519Verifier
from showclear.witness.core import origin_hash
from showclear.witness.errors import WitnessUnreachable

__all__ = [
    "Fetch",
    "MonitorReport",
    "Prove",
    "View",
    "check_against_witnesses",
    "check_split_view",
    "http_fetch",
]

#: ``fetch(url, headers) -> (status, text)``; raises WitnessUnreachable if nothing answers.
Fetch = Callable[[str, dict[str, str]], tuple[int, str]]


def http_fetch(url: str, headers: dict[str, str]) -> tuple[int, str]:
    """GET ``url`` with the standard library; the status and the body as text.

    Raises:
        WitnessUnreachable: no answer (connection refused, timeout, TLS failure).
    """
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return int(e.code), e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        raise WitnessUnreachable(f"{url} did not answer: {e}") from e


@dataclass(frozen=True, slots=True)
class View:
    """One signed checkpoint and who showed it."""

    source: str  # "server" or the witness's name
    checkpoint: Checkpoint
    cosigned_at: int | None = None  # the witness's cosignature time


@dataclass(slots=True)
class MonitorReport:
    """What the monitor saw: the views, and every problem in words."""

    origin: str
    views: list[View] = field(default_factory=list)
    split: list[str] = field(default_factory=list)  # two signed views that cannot both hold
    problems: list[str] = field(default_factory=list)  # stale, unreachable, badly signed

    @property
    def ok(self) -> bool:
        return not self.split and not self.problems


def _fetch_server(
    fetch: Fetch, production_url: str, headers: dict[str, str], log: Ed25519Verifier
) -> Checkpoint:
    status, text = fetch(f"{production_url}/ledger/checkpoint", headers)
    if status != 200:
        raise WitnessUnreachable(
            f"the production server answered {status} for its checkpoint: {text.strip()[:200]}"
        )
    try:
        return open_checkpoint(text, log)
    except LedgerError as e:
        raise WitnessUnreachable(
            f"the production server's checkpoint is not signed by the pinned log key: {e}"
        ) from e


def _proof(
    fetch: Fetch, production_url: str, headers: dict[str, str], old: int, new: int
) -> list[bytes] | str:
    """The server's consistency proof hashes, or why there is none."""
    status, text = fetch(f"{production_url}/ledger/consistency?old={old}&new={new}", headers)
    if status != 200:
        return f"the server gave no proof from {old} to {new} ({status}: {text.strip()[:200]})"
    try:
        return [base64.b64decode(h, validate=True) for h in json.loads(text)["hashes"]]
    except (ValueError, KeyError, TypeError) as e:
        return f"the server's proof from {old} to {new} is unreadable: {e}"


def check_split_view(
    production_url: str,
    log_key: str,
    witnesses: Sequence[tuple[str, str]],
    *,
    token: str | None = None,
    fetch: Fetch = http_fetch,
) -> MonitorReport:
    """Fetch the server's and each witness's latest checkpoint and compare them pairwise.

    ``production_url`` is the production's API base, ``https://HOST/productions/SLUG``;
    ``witnesses`` are ``(url, witness verifier key)`` pairs.

    Raises:
        WitnessUnreachable: the production server did not give a checkpoint signed by
            ``log_key`` (a witness that does not answer is a problem in the report).
        NoteError: ``log_key`` or a witness key is malformed.
    """
    log = Ed25519Verifier.from_verifier_key(log_key)
    production_url = production_url.rstrip("/")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    report = MonitorReport(origin=log.name)
    server = _fetch_server(fetch, production_url, headers, log)
    report.views.append(View("server", server))
    for url, wkey in witnesses:
        verifier = CosignatureVerifier(wkey)
        where = f"{url.rstrip('/')}/{origin_hash(log.name)}/checkpoint"
        try:
            status, text = fetch(where, {})
        except WitnessUnreachable as e:
            report.problems.append(f"witness {verifier.name}: {e}")
            continue
        if status == 404:
            report.problems.append(f"witness {verifier.name} has cosigned nothing of {log.name}")
            continue
        if status != 200:
            report.problems.append(f"witness {verifier.name} answered {status}")
            continue
        try:
            checkpoint = open_checkpoint(text, log)
            cosigned_at = verifier.verify(text)
        except LedgerError as e:
            report.problems.append(f"witness {verifier.name} shows a checkpoint that fails: {e}")
            continue
        report.views.append(View(verifier.name, checkpoint, cosigned_at))
    source = _Server(fetch, production_url, headers, server.size)
    for a, b in combinations(report.views, 2):
        _compare(a, b, report, source)
    return report


@dataclass(frozen=True, slots=True)
class _Server:
    """Where consistency proofs come from: the production's server."""

    fetch: Fetch
    url: str
    headers: dict[str, str]
    size: int


def _compare(a: View, b: View, report: MonitorReport, server: _Server) -> None:
    small, large = sorted((a, b), key=lambda v: v.checkpoint.size)
    old, new = small.checkpoint, large.checkpoint
    if old.size == new.size:
        if old.root != new.root:
            report.split.append(
                f"{a.source} and {b.source} show two roots for size {old.size}, both signed by "
                "the log: the log is forked"
            )
        return
    if small.source == "server":
        report.problems.append(
            f"the server shows size {old.size}, but witness {large.source} cosigned size "
            f"{new.size}: the server hides entries it published (a rollback) or is stale"
        )
        return
    if old.size == 0:
        return  # the empty tree is a prefix of every tree
    if new.size > server.size:
        report.problems.append(
            f"no proof between {small.source} ({old.size}) and {large.source} ({new.size}): "
            f"the server is at {server.size}"
        )
        return
    proof = _proof(server.fetch, server.url, server.headers, old.size, new.size)
    if isinstance(proof, str):
        report.problems.append(proof)
        return
    try:
        verify_consistency(old.size, new.size, old.root, new.root, proof)
    except ProofError as e:
        report.split.append(
            f"{small.source} (size {old.size}) and {large.source} (size {new.size}) are not "
            f"one history: the server's proof does not join them ({e})"
        )


#: ``prove(old, new)``: the consistency proof hashes between two sizes of a ledger at hand.
Prove = Callable[[int, int], list[bytes]]


def check_against_witnesses(
    note: str,
    log_key: str,
    witnesses: Sequence[tuple[str, str]],
    prove: Prove,
    *,
    fetch: Fetch = http_fetch,
) -> MonitorReport:
    """Compare a ledger at hand (its latest signed checkpoint ``note``) with what each
    witness holds: a witness ahead of it, or holding another root, means the ledger at hand
    lost entries or is not the history the witness saw (issue 14: the database is no older
    than what the witnesses hold).

    ``witnesses`` are ``(url, witness verifier key)`` pairs; ``prove`` gives consistency
    proofs within the ledger at hand. A witness that does not answer is a problem in the
    report, not a split.

    Raises:
        LedgerError: ``note`` is not signed by ``log_key``, or a key is malformed.
    """
    log = Ed25519Verifier.from_verifier_key(log_key)
    ours = open_checkpoint(note, log)
    report = MonitorReport(origin=log.name, views=[View("database", ours)])
    for url, wkey in witnesses:
        verifier = CosignatureVerifier(wkey)
        where = f"{url.rstrip('/')}/{origin_hash(log.name)}/checkpoint"
        try:
            status, text = fetch(where, {})
        except WitnessUnreachable as e:
            report.problems.append(f"witness {verifier.name} was not asked: {e}")
            continue
        if status == 404:
            continue  # it holds nothing of this ledger yet: nothing to be behind
        if status != 200:
            report.problems.append(f"witness {verifier.name} answered {status}")
            continue
        try:
            theirs = open_checkpoint(text, log)
            verifier.verify(text)
        except LedgerError as e:
            report.problems.append(f"witness {verifier.name} shows a checkpoint that fails: {e}")
            continue
        report.views.append(View(verifier.name, theirs))
        if theirs.size > ours.size:
            report.split.append(
                f"witness {verifier.name} cosigned this ledger at size {theirs.size:,}, but the "
                f"database holds {ours.size:,} entries: {theirs.size - ours.size:,} entries the "
                "witness saw are missing (an older copy restored, or a rewritten history); "
                "restore the newest backup"
            )
        elif theirs.size == ours.size and theirs.root != ours.root:
            report.split.append(
                f"witness {verifier.name} cosigned another root at size {ours.size:,} than the "
                "database's: this database is not the history the witness saw"
            )
        elif 0 < theirs.size < ours.size:
            try:
                proof = prove(theirs.size, ours.size)
                verify_consistency(theirs.size, ours.size, theirs.root, ours.root, proof)
            except (LedgerError, ProofError) as e:
                report.split.append(
                    f"witness {verifier.name} cosigned size {theirs.size:,} of another history "
                    f"than the database's ({e}): the ledger was rewritten after it was witnessed"
                )
    return report
