"""The studio sends a mirror's newly synced checkpoint to the witnesses of its policy.

A real witness process (``showclear witness serve``) is listed in the set's policy; the set
never reaches it (no server runs on the set here). The studio's witness submitter sweeps
only once an hour, so only the accepted batch itself can bring the checkpoint to it.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.sync.conftest import Set, Studio
from tests.witnessing.conftest import WitnessProcess, wait_for

from showclear.service import Credentials
from showclear.service.sync import sync
from showclear.service.witnessing import WitnessSubmitter


def _cosigned_by(studio: Studio, slug: str, witness: str) -> int:
    with studio.app.store.read(slug) as session:
        states = {s.witness: s.cosigned_size for s in session.witness_states()}
    return states.get(witness, 0)


def test_a_synced_checkpoint_reaches_the_witnesses_of_the_mirrors_policy(
    the_set: Set, studio: Studio, witness_factory: Callable[[str], WitnessProcess]
) -> None:
    """After a sync the studio's submitter is told at once and the witness cosigns the
    mirror's checkpoint; a batch sent again tells it nothing."""
    insurer = witness_factory("insurer")
    insurer.follow(the_set.app.verifier_key(the_set.slug))
    insurer.start()
    the_set.clock.advance(minutes=1)
    changes = {
        "witnesses": [{"name": "insurer", "url": insurer.url, "key": insurer.key}],
        "witness_quorum": 1,
    }
    the_set.app.submit(
        the_set.slug,
        {"type": "PolicyChanged", "changes": changes, "reason": "the insurer witnesses"},
        Credentials("ruth", "3222"),
    )
    told: list[str] = []
    submitter = WitnessSubmitter(studio.app, sweep=3600.0)
    studio.app.commit_listeners += [told.append, submitter.notify]
    submitter.start()  # its one sweep now, before the sync: the mirror is empty
    try:
        # Its sweep time is set once the sweep began: the next is an hour away.
        wait_for(lambda: submitter._swept > 0, 5.0, "the first sweep")
        result = sync(the_set.app, the_set.slug, studio.target)
        size = studio.app.production(the_set.slug).size
        assert result.sent == size and told, "the accepted batches were announced"
        wait_for(
            lambda: _cosigned_by(studio, the_set.slug, "insurer") == size,
            20.0,
            "the witness cosigning the mirror's checkpoint",
        )
        told.clear()
        sync(the_set.app, the_set.slug, studio.target)  # nothing new
        assert told == []
    finally:
        submitter.stop()
