"""A studio's mirror of a set's production: what it stores, what it refuses, what it answers.

In one process: the set's App, the studio's App and the studio's real API (service/mirrors.py,
service/sync.py, api/routes/mirror.py). The real processes are tests/sync/test_set_to_studio.py.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import httpx
import pytest
from tests.api.world import Server
from tests.conftest import Engine
from tests.sync.conftest import Set, Studio

from showclear.ledger import Ed25519Signer, open_checkpoint
from showclear.ledger.checkpoint import Checkpoint, sign_checkpoint
from showclear.ledger.cosignature import CosignatureVerifier, add_cosignatures, cosignatures_in
from showclear.ledger.note import Ed25519Verifier
from showclear.server import create_server
from showclear.service import Credentials
from showclear.service.errors import AuthError
from showclear.service.mirrors import (
    MIRROR_HEADER,
    Batch,
    MirrorBatchInvalid,
    MirrorFork,
    MirrorReadOnly,
    mirror_forks,
    mirror_status,
    receive_batch,
)
from showclear.service.sync import (
    SyncFailed,
    SyncResult,
    SyncRunner,
    SyncTarget,
    load_target,
    save_target,
    sync,
)
from showclear.service.witnessing import WitnessSubmitter


def _batch(the_set: Set, start: int, end: int) -> Batch:
    """The set's entries from ``start`` to ``end`` and its checkpoints of sizes in that span."""
    with the_set.app.store.read(the_set.slug) as session:
        entries = tuple(r.data for r in session.entries(start, end))
        notes = tuple(n for s, n in session.checkpoints() if start < s <= end)
    return Batch(start, entries, notes)


def _sizes(the_set: Set) -> list[int]:
    with the_set.app.store.read(the_set.slug) as session:
        return [s for s, _ in session.checkpoints()]


def test_sync_gives_the_studio_the_same_entries_checkpoints_and_views(
    the_set: Set, studio: Studio
) -> None:
    """After a sync in small batches the mirror holds the set's checkpoint, verifies, and
    answers the board and a weapon's history exactly as the set does."""
    result = sync(the_set.app, the_set.slug, studio.target, batch=3)
    size = the_set.app.production(the_set.slug).size
    assert (result.studio_size, result.sent) == (size, size)
    assert result.batches > 3
    slug = the_set.slug
    assert studio.app.checkpoint(slug) == the_set.app.checkpoint(slug)
    report = studio.app.verify(slug)
    assert report.ok, report.problem
    assert studio.app.board(slug).to_json() == the_set.app.board(slug).to_json()
    assert studio.app.history(slug, "colt-1") == the_set.app.history(slug, "colt-1")
    assert studio.app.prove_inclusion(slug, 5) == the_set.app.prove_inclusion(slug, 5)
    assert studio.app.rounds(slug) == the_set.app.rounds(slug)
    assert studio.app.export_bundle(slug)[1] == the_set.app.export_bundle(slug)[1]
    status = mirror_status(studio.app, slug)
    assert status is not None
    assert (status.synced_size, status.forks, status.source) == (size, 0, "set")


def test_a_sync_cut_off_resumes_where_the_studio_is(the_set: Set, studio: Studio) -> None:
    """The set keeps recording while the studio is away; the next sync sends only the rest."""
    first = sync(the_set.app, the_set.slug, studio.target)
    the_set.play(6)
    again = sync(the_set.app, the_set.slug, studio.target)
    size = the_set.app.production(the_set.slug).size
    assert again.sent == size - first.studio_size > 0
    assert studio.app.checkpoint(the_set.slug) == the_set.app.checkpoint(the_set.slug)
    quiet = sync(the_set.app, the_set.slug, studio.target)
    assert (quiet.sent, quiet.batches) == (0, 0)


def test_a_batch_sent_twice_changes_nothing(the_set: Set, studio: Studio) -> None:
    """The same batch again answers the size held, stores nothing and keeps no fork."""
    end = _sizes(the_set)[3]
    batch = _batch(the_set, 0, end)
    first = receive_batch(studio.app, the_set.slug, studio.token, batch)
    again = receive_batch(studio.app, the_set.slug, studio.token, batch)
    assert (first.size, first.stored) == (end, end)
    assert (again.size, again.stored, again.checkpoint) == (end, 0, first.checkpoint)
    assert mirror_forks(studio.app, the_set.slug) == []


def test_a_batch_past_the_size_held_is_a_409_naming_where_to_resume(
    the_set: Set, studio: Studio
) -> None:
    """A gap is answered 409 with held_size, and nothing is stored."""
    sizes = _sizes(the_set)
    batch = _batch(the_set, sizes[1], sizes[2])
    response = studio.http.post(
        f"/mirror/{the_set.slug}/entries",
        json=batch.to_json(),
        headers={"Authorization": f"Bearer {studio.token}"},
    )
    assert response.status_code == 409
    assert response.json()["held_size"] == 0
    assert "Send again from entry 0" in response.json()["detail"]
    assert studio.app.production(the_set.slug).size == 0


def test_a_forged_entry_is_refused_and_kept_as_fork_evidence(the_set: Set, studio: Studio) -> None:
    """One entry's bytes changed (still canonical JSON): the root is not the signed one."""
    end = _sizes(the_set)[4]
    batch = _batch(the_set, 0, end)
    entries = list(batch.entries)
    entries[2] = entries[2].replace(b'"paul"', b'"pete"', 1)
    assert entries[2] != batch.entries[2]
    forged = dataclasses.replace(batch, entries=tuple(entries))
    with pytest.raises(MirrorFork, match="do not hash to the signed root"):
        receive_batch(studio.app, the_set.slug, studio.token, forged)
    assert studio.app.production(the_set.slug).size == 0
    [fork] = mirror_forks(studio.app, the_set.slug)
    assert fork.offered_note in batch.checkpoints  # the first one the forged entry is under
    assert fork.held_note == ""  # the mirror held nothing yet
    assert mirror_status(studio.app, the_set.slug).forks == 1  # type: ignore[union-attr]


def test_a_forked_history_is_refused_and_both_checkpoints_are_kept(
    the_set: Set, studio: Studio, engine: Engine, tmp_path: Path
) -> None:
    """A second database with the same key, diverging after a copy, cannot sync over the first."""
    other = the_set.copy(engine, tmp_path)
    the_set.play(3)
    other.clock.advance(minutes=1)
    other.app.submit(
        other.slug,
        {
            "type": "ConcernRaised",
            "text": "smoke near the safe",
            "anonymous": False,
            "stop_work": False,
        },
        Credentials("ken", "7666"),
    )
    sync(the_set.app, the_set.slug, studio.target)
    held = studio.app.checkpoint(the_set.slug)
    with pytest.raises(SyncFailed, match="refused the batch"):
        sync(other.app, other.slug, studio.target)
    assert studio.app.checkpoint(the_set.slug) == held
    [fork] = mirror_forks(studio.app, the_set.slug)
    key = Ed25519Verifier.from_verifier_key(the_set.app.verifier_key(the_set.slug))
    held_cp, offered_cp = (open_checkpoint(n, key) for n in (fork.held_note, fork.offered_note))
    assert held_cp.root != offered_cp.root  # both signed by the production's key
    other.app.close()


def test_a_checkpoint_not_signed_by_the_production_key_is_refused_and_not_kept(
    the_set: Set, studio: Studio
) -> None:
    """A note signed by another key proves nothing: refused, stored nowhere, no fork kept."""
    end = _sizes(the_set)[2]
    batch = _batch(the_set, 0, end)
    genuine = Checkpoint.parse(batch.checkpoints[-1][: batch.checkpoints[-1].find("\n\n") + 1])
    impostor = Ed25519Signer.generate(genuine.origin)
    forged = dataclasses.replace(
        batch, checkpoints=(*batch.checkpoints[:-1], sign_checkpoint(genuine, [impostor]))
    )
    with pytest.raises(MirrorBatchInvalid, match="not signed by the production's key"):
        receive_batch(studio.app, the_set.slug, studio.token, forged)
    assert studio.app.production(the_set.slug).size == 0
    assert mirror_forks(studio.app, the_set.slug) == []


def test_a_wrong_upload_token_is_refused(the_set: Set, studio: Studio) -> None:
    """Only the mirror's own token may ask or send: 401 otherwise, nothing stored."""
    with pytest.raises(AuthError, match="not the upload token"):
        receive_batch(studio.app, the_set.slug, "scm_guess", _batch(the_set, 0, _sizes(the_set)[1]))
    response = studio.http.get(
        f"/mirror/{the_set.slug}/state", headers={"Authorization": "Bearer scm_guess"}
    )
    assert response.status_code == 401


def test_every_command_sent_to_a_mirror_is_refused_naming_where_it_is_written(
    the_set: Set, studio: Studio
) -> None:
    """The service refuses; the API answers 409 with the reason; nothing is recorded."""
    sync(the_set.app, the_set.slug, studio.target)
    size = studio.app.production(the_set.slug).size
    concern = {"type": "ConcernRaised", "text": "x", "anonymous": True, "stop_work": False}
    with pytest.raises(MirrorReadOnly, match=r"read-only mirror.*written on the set"):
        studio.app.submit(the_set.slug, concern, Credentials("ken", "7666"))
    response = studio.http.post(
        f"/productions/{the_set.slug}/login", json={"person": "ken", "pin": "7666"}
    )
    assert response.status_code == 409
    assert "read-only mirror" in response.json()["detail"]
    assert studio.app.production(the_set.slug).size == size


def test_answers_about_a_mirror_say_how_fresh_it_is(the_set: Set, studio: Studio) -> None:
    """Showclear-Mirror: as-of=<size>; synced=<time> on answers about a mirror, not others."""
    sync(the_set.app, the_set.slug, studio.target)
    size = studio.app.production(the_set.slug).size
    answer = studio.http.get(f"/productions/{the_set.slug}/board")
    assert answer.headers[MIRROR_HEADER] == f"as-of={size}; synced=2026-11-25T08:00:00Z"
    with Server(create_server(the_set.app, secure_cookies=False)) as url:
        writer = httpx.get(f"{url}/productions/{the_set.slug}/board")
    assert writer.status_code == answer.status_code == 401  # nobody signed in: same answer
    assert MIRROR_HEADER not in writer.headers
    page = studio.http.get(f"/productions/{the_set.slug}/ui/login")
    assert f"Read-only mirror, as of entry {size:,}, synced" in page.text
    assert "the production is written on the set" in page.text


def _list_the_studio_as_witness(the_set: Set, studio: Studio, key: str) -> None:
    """A minute later, the set's policy lists the studio's mirror as its one witness."""
    the_set.clock.advance(minutes=1)
    witness = {"name": "studio", "url": f"{studio.url}/mirror/{the_set.slug}", "key": key}
    changes = {"witnesses": [witness], "witness_quorum": 1}
    the_set.app.submit(
        the_set.slug,
        {"type": "PolicyChanged", "changes": changes, "reason": "the studio mirrors us"},
        Credentials("ruth", "3222"),
    )


def test_the_studio_cosignature_is_stored_where_the_policy_lists_the_studio(
    the_set: Set, studio: Studio
) -> None:
    """Listed as a witness, the studio's cosignature of what it holds joins the set's
    checkpoint like any witness's."""
    assert studio.witness_key is not None
    _list_the_studio_as_witness(the_set, studio, studio.witness_key)
    result = sync(the_set.app, the_set.slug, studio.target)
    assert result.cosigned
    note = the_set.app.checkpoint(the_set.slug)
    assert "\u2014 showclear-studio-mirror " in note
    assert the_set.app.verify(the_set.slug).ok


def test_the_mirror_answers_tlog_witness_requests_for_what_it_holds(
    the_set: Set, studio: Studio
) -> None:
    """add-checkpoint: a checkpoint held is cosigned by the studio's key; one past what the
    mirror holds is 503 until synced; the set's witness round then finds it up to date."""
    assert studio.witness_key is not None
    _list_the_studio_as_witness(the_set, studio, studio.witness_key)
    size = the_set.app.production(the_set.slug).size
    with the_set.app.store.read(the_set.slug) as session:
        note = session.checkpoint(size)[1]
    url = f"/mirror/{the_set.slug}/add-checkpoint"
    ahead = studio.http.post(url, content=f"old 0\n\n{note}")
    assert ahead.status_code == 503
    assert f"holds 0 entries, not the {size}" in ahead.json()["detail"]
    sync(the_set.app, the_set.slug, studio.target)
    answer = studio.http.post(url, content=f"old 0\n\n{note}")
    assert answer.status_code == 200, answer.text
    body = note[: note.rfind("\n\n") + 1]
    [cosignature] = cosignatures_in(add_cosignatures(note, answer.text))
    assert CosignatureVerifier(studio.witness_key).check(body, cosignature)
    outcomes = WitnessSubmitter(the_set.app).push(the_set.slug)
    assert [o.status for o in outcomes] == ["up-to-date"]


def test_the_background_sync_backs_off_while_the_studio_is_away_then_catches_up(
    the_set: Set, studio: Studio
) -> None:
    """serve's runner: a studio that does not answer is tried again later, not at once;
    once it answers, one round sends everything."""
    save_target(the_set.app, the_set.slug, SyncTarget("http://127.0.0.1:9", studio.token))
    runner = SyncRunner(the_set.app)
    failed = runner.round(the_set.slug)
    assert isinstance(failed, str) and "did not answer" in failed
    assert runner._next[the_set.slug] > time.monotonic() + 1  # backing off
    save_target(the_set.app, the_set.slug, studio.target)
    done = runner.round(the_set.slug)
    assert isinstance(done, SyncResult)
    assert done.studio_size == the_set.app.production(the_set.slug).size
    assert load_target(the_set.app, the_set.slug) == studio.target
