"""``showclear promote``: the studio's mirror becomes the writer when the set laptop dies.

A set (SQLite) syncs its production to the studio's mirror (each backend) through the
studio's real API. Promote checks the old writer's last checkpoint against the mirror,
or takes an explicit decision by the safety coordinator and a producer; afterwards the
studio takes commands and refuses the old writer's syncs as a fork (issue 18, item 5).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.api.world import Server
from tests.conftest import START, Backend, CliRun
from tests.sync.conftest import Set, demo_set
from tests.witnessing.conftest import WitnessProcess

from showclear.demo.day import PINS as SET_PINS
from showclear.ledger import parse_entry
from showclear.server import create_server
from showclear.service import (
    TRUSTED,
    App,
    BadRequest,
    FileKeyring,
    FixedClock,
    KeyFileError,
    build_app,
)
from showclear.service.errors import AuthError
from showclear.service.mirrors import add_mirror, mirror_forks, mirror_status
from showclear.service.promote import Decision, PromoteRefused, promote
from showclear.service.studio import studio_view
from showclear.service.sync import SyncFailed, SyncTarget, sync
from showclear.service.witnessing import WitnessSubmitter

#: The PINs ruth and paul set on the studio when they decide (the set's stay on the set).
PINS = {"paul": "4711", "ruth": "8080"}


@dataclass
class Studio:
    """The studio's application and database, its API's URL, the mirror's upload token."""

    app: App
    db: str
    key_dir: Path
    url: str
    token: str

    @property
    def target(self) -> SyncTarget:
        return SyncTarget(self.url, self.token)


@pytest.fixture
def the_set(tmp_path: Path) -> Iterator[Set]:
    """The set laptop: the demo's production on SQLite, its first 12 steps played."""
    the = demo_set(str(tmp_path / "set.db"), tmp_path / "set-keys")
    yield the
    the.app.close()


@pytest.fixture
def studio(backend: Backend, tmp_path: Path, the_set: Set) -> Iterator[Studio]:
    """The studio: a mirror of the set's production, synced, and the studio's API."""
    keys = tmp_path / "studio-keys"
    app = build_app(backend.url, keyring=FileKeyring(keys), clock=FixedClock(START))
    info = the_set.app.production(the_set.slug)
    added = add_mirror(
        app, the_set.slug, name="Dust Creek", origin=info.origin, verifier_key=info.verifier_key
    )
    with Server(create_server(app, secure_cookies=False)) as url:
        studio = Studio(app, backend.url, keys, url, added.token)
        sync(the_set.app, the_set.slug, studio.target)
        yield studio
    app.close()


def _entries(app: App, slug: str, start: int) -> list[dict[str, object]]:
    with app.store.read(slug) as session:
        return [parse_entry(row.data) for row in session.entries(start)]  # type: ignore[misc]


def _register(app: App, slug: str, person: str) -> int:
    """A command on the studio after promote: a crew member registered by the producer."""
    event = {
        "type": "PersonRegistered",
        "actor": "paul",
        "person": person,
        "name": "Nia Stunt",
        "roles": ["crew"],
    }
    outcome = app.submit(slug, event, TRUSTED)
    assert not outcome.refused, outcome.rule_ids
    return app.production(slug).size


def test_promote_is_refused_while_nothing_shows_the_old_writer_stopped(
    the_set: Set, studio: Studio
) -> None:
    """No writer URL, no witness: refused, naming the way out; the mirror is unchanged."""
    size = studio.app.production(the_set.slug).size
    with pytest.raises(PromoteRefused, match=r"not shown to be exactly that .* --decide REASON"):
        promote(studio.app, the_set.slug, key_text=the_set.key_file().read_text())
    assert mirror_status(studio.app, the_set.slug) is not None
    assert studio.app.production(the_set.slug).size == size


def test_promote_after_the_old_writer_shows_its_last_checkpoint_is_the_mirrors(
    the_set: Set, studio: Studio
) -> None:
    """The set still answers: its checkpoint is exactly what the mirror holds, so the
    mirror becomes the writer; commands are taken; the set's later syncs are a fork."""
    slug = the_set.slug
    token = the_set.app.create_token(slug, "paul", SET_PINS["paul"], label="promote", ttl=None)
    size = studio.app.production(slug).size
    with Server(create_server(the_set.app, secure_cookies=False)) as set_url:
        done = promote(
            studio.app,
            slug,
            key_text=the_set.key_file().read_text(),
            writer_url=set_url,
            writer_token=token.secret,
        )
    assert (done.size, done.check) == (size, "matched")
    assert "is exactly what the mirror holds" in done.seen[0].detail
    (promoted,) = _entries(studio.app, slug, size)
    assert promoted["type"] == "WriterPromoted" and promoted["check"] == "matched"
    assert mirror_status(studio.app, slug) is None
    assert _register(studio.app, slug, "nia") == size + 2
    report = studio.app.verify(slug)
    assert report.ok, report.problem

    the_set.play(3)  # the old laptop comes back and goes on: a second history
    with pytest.raises(SyncFailed, match=r"written here since entry .* a fork"):
        sync(the_set.app, slug, studio.target)
    assert mirror_forks(studio.app, slug), "the fork is kept as evidence"
    assert studio.app.production(slug).size == size + 2


def test_the_old_writers_refused_syncs_show_in_mirror_status_and_the_studio_view(
    the_set: Set, studio: Studio, showclear: Callable[..., CliRun]
) -> None:
    """After promote the production is no mirror, but the old writer's refused sync is an
    alarm row of the studio view and a fork in ``mirror status``, written here."""
    slug = the_set.slug
    promote(
        studio.app,
        slug,
        key_text=the_set.key_file().read_text(),
        decision=Decision("the set laptop was lost", "ruth", PINS["ruth"], "paul", PINS["paul"]),
    )
    the_set.play(3)
    with pytest.raises(SyncFailed, match="a fork"):
        sync(the_set.app, slug, studio.target)
    (row,) = studio_view(studio.app, None).rows
    assert row.forks == 1 and row.rank == 0 and "fork" in row.statuses
    assert row.alarms[0].startswith("FORK: 1 sync(s) refused") and "before promote" in row.alarms[0]
    assert row.mirror is None and "stale" not in row.statuses, "written here now, not a mirror"
    studio.app.close()  # the command line opens the database itself
    base = ("--db", studio.db, "--key-dir", str(studio.key_dir))
    ran = showclear(*base, "mirror", "status", "--json")
    assert ran.code == 0, ran.err
    (listed,) = json.loads(ran.out)
    assert (listed["production"], listed["source"], listed["forks"]) == (slug, None, 1)
    (evidence,) = listed["fork_evidence"]
    origin = the_set.app.production(slug).origin
    assert evidence["held_note"].startswith(origin) and evidence["offered_note"].startswith(origin)
    text = showclear(*base, "mirror", "status")
    assert f"{slug}: written here (promoted from a mirror)" in text.out
    assert "FORK refused" in text.out


def test_promote_by_the_decision_of_the_safety_coordinator_and_a_producer(
    the_set: Set,
    studio: Studio,
    showclear: Callable[..., CliRun],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The set is gone and nothing can show its last checkpoint: ruth and paul decide, each
    with the PIN they use here from now on; the entry names both and why."""
    slug = the_set.slug
    size = studio.app.production(slug).size
    monkeypatch.setenv("SHOWCLEAR_PIN_RUTH", PINS["ruth"])
    monkeypatch.setenv("SHOWCLEAR_PIN_PAUL", PINS["paul"])
    studio.app.close()  # the command line opens the database itself
    base = ("--db", studio.db, "--key-dir", str(studio.key_dir), "--production", slug)
    ran = showclear(
        *base,
        *("promote", "--key", str(the_set.key_file())),
        *("--decide", "the set laptop burned; last sync at lunch"),
        *("--safety", "ruth", "--producer", "paul"),
    )
    assert ran.code == 0, ran.err
    assert f"written here now, from entry {size:,}" in ran.out
    app = build_app(studio.db, keyring=FileKeyring(studio.key_dir), clock=FixedClock(START))
    try:
        promoted, *enrolled = _entries(app, slug, size)
        assert promoted["check"] == "decided"
        assert (promoted["safety_coordinator"], promoted["producer"]) == ("ruth", "paul")
        assert promoted["reason"] == "the set laptop burned; last sync at lunch"
        assert {e["person"] for e in enrolled} == {"ruth", "paul"}
        app.authenticate(slug, "ruth", PINS["ruth"])  # the PIN she set is hers here now
        with pytest.raises(AuthError):
            app.authenticate(slug, "paul", "0000")
        assert app.verify(slug).ok
    finally:
        app.close()


def test_a_decision_needs_a_safety_coordinator_and_a_producer(the_set: Set, studio: Studio) -> None:
    """Someone of another role cannot decide; nothing changes."""
    decision = Decision("gone", "maria", "1234", "paul", PINS["paul"])
    with pytest.raises(BadRequest, match="'maria' is not a safety coordinator"):
        promote(
            studio.app, the_set.slug, key_text=the_set.key_file().read_text(), decision=decision
        )
    assert mirror_status(studio.app, the_set.slug) is not None


def test_the_key_must_be_the_productions(the_set: Set, studio: Studio) -> None:
    """The key of another production written here is refused and stays as it was; with no
    key here and none given, it says so; a file that is no key is named."""
    other = studio.app.init_production("Other Picture")
    keys = sorted(studio.key_dir.glob("*.key*"))
    (other_key,) = (k for k in keys if k.suffix == ".key" and "other-picture" in k.name)
    decision = Decision("gone", "ruth", PINS["ruth"], "paul", PINS["paul"])
    with pytest.raises(BadRequest, match="not the production's key"):
        promote(studio.app, the_set.slug, key_text=other_key.read_text(), decision=decision)
    assert sorted(studio.key_dir.glob("*.key*")) == keys, "nothing written, nothing removed"
    stored = {"type": "StorageAdded", "at": "2026-11-25T08:00:00Z", "actor": None}
    stored |= {"storage": "safe-1", "name": "Safe", "lockable": True}
    studio.app.append_unchecked(other.slug, [stored])  # its key still signs
    with pytest.raises(BadRequest, match="not a showclear private key"):
        promote(studio.app, the_set.slug, key_text="PRIVATE+KEY+nonsense", decision=decision)
    with pytest.raises(KeyFileError, match=r"private key for .* is not at"):
        promote(studio.app, the_set.slug, decision=decision)
    assert mirror_status(studio.app, the_set.slug) is not None


def test_the_witnesses_show_whether_the_mirror_holds_the_old_writers_last_checkpoint(
    the_set: Set, studio: Studio, witness_factory: Callable[[str], WitnessProcess]
) -> None:
    """The set is unreachable, but its witness (a real process) cosigned its checkpoints:
    while the witness holds a later checkpoint than the mirror, promote is refused (a
    witness listed after the last sync is asked when named); once the mirror holds exactly
    what the witness saw, promote goes on, citing the witness once."""
    slug = the_set.slug
    insurer = witness_factory("insurer")
    insurer.follow(the_set.app.verifier_key(slug))
    insurer.start()
    listed = [{"name": insurer.name, "url": insurer.url, "key": insurer.key}]
    policy = {
        "type": "PolicyChanged",
        "actor": "ruth",
        "changes": {"witnesses": listed, "witness_quorum": 1},
        "reason": "the insurer witnesses our history",
    }
    assert not the_set.app.submit(slug, policy, TRUSTED).refused
    the_set.play(2)  # the set records more, the witness cosigns it, no sync follows
    (pushed,) = WitnessSubmitter(the_set.app).push(slug)
    assert pushed.status == "cosigned", pushed
    key = the_set.key_file().read_text()

    # The mirror does not hold the policy listing the witness: nobody to ask, unless named.
    with pytest.raises(PromoteRefused, match="no writer URL and no witnesses to ask"):
        promote(studio.app, slug, key_text=key)
    named = rf"witness {re.escape(insurer.url)}: checkpoint of .* is NOT what the mirror holds"
    with pytest.raises(PromoteRefused, match=named):
        promote(studio.app, slug, key_text=key, witnesses=(insurer.url,))
    assert mirror_status(studio.app, slug) is not None

    sync(the_set.app, slug, studio.target)  # now the mirror holds the policy, and it all
    done = promote(studio.app, slug, key_text=key, witnesses=(insurer.url,))
    assert done.check == "matched"
    assert [s.detail for s in done.seen] == [
        f"witness insurer: checkpoint of {done.size:,} entries is exactly what the mirror "
        f"holds ({done.size:,} entries)"
    ]
    assert studio.app.verify(slug).ok
