"""A writer process for the concurrency and restart tests.

    python tests/pg/appender.py DB KEY_DIR SLUG TAG COUNT GO_FILE [--through-outages]

Once connected it prints ``{"ready": true}`` and waits for GO_FILE to exist, so that
several writers start at one moment. Then it registers COUNT people ``TAG-0``,
``TAG-1``, ... through ``App.submit``, one command (one transaction) each, and prints
one JSON line per acknowledged command, flushed only after ``submit`` returned, that
is after the commit::

    {"person": "a-3", "index": 17, "size": 18, "note": "...", "t0": 12.5, "t1": 12.51}

``t0``/``t1`` are ``time.monotonic()`` before and after (one clock for every process
on the machine). With ``--through-outages`` a ``StoreError`` (the server went away)
is printed as ``{"failed": ...}`` and the writer goes on with the next person:
such a command may or may not have been committed, and the tests only rely on
the acknowledged ones.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from showclear.service import TRUSTED, build_app
from showclear.store import StoreError


def main(argv: list[str]) -> int:
    db, key_dir, slug, tag, count, go = argv[:6]
    through_outages = "--through-outages" in argv[6:]
    app = build_app(db, key_dir=Path(key_dir))
    app.production(slug)  # connected, the schema checked
    print(json.dumps({"ready": True}), flush=True)
    while not Path(go).exists():
        time.sleep(0.005)
    done = 0
    attempt = 0
    while done < int(count):
        person = f"{tag}-{attempt}"
        attempt += 1
        t0 = time.monotonic()
        try:
            event = {
                "type": "PersonRegistered",
                "actor": None,
                "person": person,
                "name": f"Crew {person}",
                "roles": ["crew"],
            }
            outcome = app.submit(slug, event, TRUSTED)
        except StoreError as e:
            if not through_outages:
                raise
            print(json.dumps({"failed": person, "error": str(e)[:200]}), flush=True)
            time.sleep(0.05)
            continue
        t1 = time.monotonic()
        assert outcome.outcome == "allowed", outcome
        line = {
            "person": person,
            "index": outcome.first_index,
            "size": outcome.size,
            "note": outcome.checkpoint_note,
            "t0": t0,
            "t1": t1,
        }
        print(json.dumps(line), flush=True)
        done += 1
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
