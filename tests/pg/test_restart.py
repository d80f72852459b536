"""The server restarts in the middle of a write load: nothing acknowledged is lost.

Writer processes keep registering people on a cluster of this test's own while it
is stopped (``fast``: connections are ended, a shutdown checkpoint is written;
``immediate``: the server is killed as in a crash, and recovers from its WAL at
start) and started again. Commands in flight fail with ``StoreUnavailable`` and
are not acknowledged; every acknowledged one must be in the ledger afterwards,
and the ledger must verify.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from showclear.service import FileKeyring, build_app

from .test_concurrent_writers import check_ledger, go, start_writer

if TYPE_CHECKING:
    from postgres import Cluster


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_every_acknowledged_entry_survives_a_server_restart_under_load(
    postgresql_cluster: Cluster, tmp_path: Path, mode: str
) -> None:
    """Three writers on one production and one on another: after a restart in the middle,
    each acknowledged entry is where it was reported and both ledgers verify."""
    url, keys = postgresql_cluster.url(), tmp_path / "keys"
    app = build_app(url, keyring=FileKeyring(keys))
    app.init_production("Dust Creek")
    app.init_production("Salt Flats")
    app.close()
    writers = [
        start_writer(url, keys, "dust-creek", f"d{n}", 60, out_dir=tmp_path, outages=True)
        for n in range(3)
    ]
    writers.append(start_writer(url, keys, "salt-flats", "s", 60, out_dir=tmp_path, outages=True))
    go(*writers)

    deadline = time.monotonic() + 120
    while min(len(w.acks()) for w in writers) < 15:  # well into the load
        assert time.monotonic() < deadline, [len(w.acks()) for w in writers]
        time.sleep(0.02)
    before = sum(len(w.acks()) for w in writers)
    postgresql_cluster.restart(mode)
    acks = [w.finish() for w in writers]

    failed = [line for w in writers for line in w.lines() if "failed" in line]
    assert failed, "no command was in flight during the restart: the test proved nothing"
    assert sum(map(len, acks)) == 4 * 60 > before
    app = build_app(url, keyring=FileKeyring(keys))
    try:
        check_ledger(app, "dust-creek", [a for w in acks[:3] for a in w])
        check_ledger(app, "salt-flats", acks[3])
    finally:
        app.close()
