"""``showclear copy`` of a mirror: it stays a mirror, with its upload token and fork evidence.

Each backend of the studio (``engine``) copied to each backend (the test's ``kind``), so
SQLite to PostgreSQL and back are both covered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import START, Engine
from tests.sync.conftest import Set, Studio

from showclear.service import App, AuthError, Credentials, FileKeyring, FixedClock, build_app
from showclear.service.mirrors import (
    MirrorReadOnly,
    mirror_forks,
    mirror_state,
    mirror_status,
)
from showclear.service.sync import SyncFailed, sync
from showclear.store import open_store
from showclear.store.copy import copy_production


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the given kind, to copy into."""
    if request.param == "sqlite":
        yield str(tmp_path / "copy.db")
        return
    server = request.getfixturevalue("postgresql_server")
    url = server.fresh()
    yield url
    server.drop(url)


def test_a_copied_mirror_stays_a_read_only_mirror_with_its_token_and_forks(
    the_set: Set, studio: Studio, engine: Engine, tmp_path: Path, target_url: str
) -> None:
    """The mirrors row (source, freshness, token hash) and the forks go along: the copy
    refuses commands, answers the same upload token, and still shows the fork."""
    slug = the_set.slug
    other = the_set.copy(engine, tmp_path)  # a second history to be, same key
    the_set.play(3)
    sync(the_set.app, slug, studio.target)
    other.clock.advance(minutes=1)
    other.app.submit(
        slug,
        {"type": "ConcernRaised", "text": "smoke", "anonymous": False, "stop_work": False},
        Credentials("ken", "7666"),
    )
    with pytest.raises(SyncFailed, match="refused the batch"):
        sync(other.app, slug, studio.target)
    other.app.close()
    held = mirror_status(studio.app, slug)
    assert held is not None and held.forks == 1

    target = open_store(target_url)
    try:
        report = copy_production(studio.app.store, target, slug)
    finally:
        target.close()
    assert (report.mirror_source, report.forks) == ("set", 1)
    copy = build_app(target_url, keyring=FileKeyring(tmp_path / "keys2"), clock=FixedClock(START))
    try:
        assert mirror_status(copy, slug) == held
        assert mirror_forks(copy, slug) == mirror_forks(studio.app, slug)
        size = copy.production(slug).size
        concern = {"type": "ConcernRaised", "text": "x", "anonymous": True, "stop_work": False}
        with pytest.raises(MirrorReadOnly, match="read-only mirror"):
            copy.submit(slug, concern, Credentials("ken", "7666"))
        assert copy.production(slug).size == size
        assert mirror_state(copy, slug, studio.token).size == size  # the same upload token
        with pytest.raises(AuthError, match="not the upload token"):
            mirror_state(copy, slug, "scm_guess")
    finally:
        copy.close()


def test_a_writer_copied_is_no_mirror(the_set: Set, target_url: str) -> None:
    """A production written here is copied without a mirrors row: the copy takes commands."""
    target = open_store(target_url)
    try:
        report = copy_production(the_set.app.store, target, the_set.slug)
    finally:
        target.close()
    assert (report.mirror_source, report.forks) == (None, 0)
    copy: App = build_app(target_url, keyring=the_set.app.keyring, clock=the_set.clock)
    try:
        assert mirror_status(copy, the_set.slug) is None
    finally:
        copy.close()
