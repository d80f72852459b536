"""Group commit: per production, one writer records every queued command in one transaction.

DESIGN ("One writer per production, many readers"): commands go through a per-production
group commit. The first thread to reach a production's queue becomes its **leader**: it
takes everything queued (at most :data:`GROUP_LIMIT`), opens one write transaction, decides
each command in order against the in-memory projection, appends every entry under one
signed checkpoint, commits (one fsync), and only then wakes the other callers, each with
its own receipt. A command decided later in the group sees what the earlier ones changed,
so exactly-one-wins races still hold (two handlers taking the same weapon: one is allowed,
the other refused and recorded).

A command that raises before it records anything (Forbidden, ProtocolError, a day close the
policy blocks) gets its exception and the others go on. One that raises after it began to
record leaves the transaction half made: the group is rolled back and each of its commands
is then run alone, in order, so that each gets the outcome it would have had by itself.

The decoded projection, the production row and its signer are kept per production
(:class:`State`), tagged with the ledger size they reflect. Inside each write transaction
the stored size is compared with it: equal, the state is used as it is; different (another
process appended), it is decoded again. It changes only inside a transaction and is kept
only once that transaction committed; any failure drops it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from showclear.ledger import Ed25519Signer, canonical_json
from showclear.protocol import Decision, Finding, Projection, apply, decide
from showclear.service.commands import Receipt, load_projection, seal, stored_changes
from showclear.service.ledger import AppendResult, append_entries
from showclear.store import ProductionInfo, Session, Store
from showclear.store.errors import WritersBusy

__all__ = ["GROUP_LIMIT", "Group", "GroupCommit", "State", "Work"]

#: The most commands one transaction records: enough that a burst of 32 clients is one or
#: two groups, few enough that the first of them is not kept waiting by the last.
GROUP_LIMIT = 64

T = TypeVar("T")

#: A command as the group runs it: decide and record in the group's transaction, and return
#: what finishes it once the group's checkpoint is signed (still before the commit).
Work = Callable[["Group"], Callable[[], T]]


@dataclass
class State:
    """A production's decoded projection, row and signer, as of ``size`` entries."""

    size: int
    info: ProductionInfo
    projection: Projection
    signer: Ed25519Signer


class Group:
    """One write transaction of a production's group commit, as its commands see it.

    Commands read the in-memory projection (never the stored one, which is written once,
    at :meth:`flush`), record their entries with :meth:`record`, and write credentials or
    sign-ins through :attr:`session` directly.
    """

    def __init__(self, session: Session, state: State) -> None:
        self.session = session
        self.state = state
        self.projection = state.projection
        self.signer = state.signer
        #: The ledger's size once everything flushed so far is appended.
        self.size = state.size
        #: Incremented whenever a command begins to change anything: an exception raised
        #: while it is unchanged since the command began left nothing behind.
        self.touched = 0
        #: Checkpoints signed by this group (one, unless a command needed the size first).
        self.checkpoints = 0
        #: Idempotency keys remembered by this group but not yet flushed: (person, key).
        self.keys: set[tuple[str, str]] = set()
        #: A flush failed part way: nothing more may be recorded in this transaction.
        self.broken = False
        self._data: list[bytes] = []
        self._changed: set[str] = set()
        self._unsealed: list[Receipt] = []
        self._after_flush: list[Callable[[], None]] = []

    @property
    def next_index(self) -> int:
        """The index the next recorded entry will have."""
        return self.size + len(self._data)

    def writing(self) -> None:
        """Say that the running command begins to write (an exception now spoils the group)."""
        self.touched += 1

    def record(
        self, events: list[dict[str, Any]], outcome: str, findings: list[Finding]
    ) -> Receipt:
        """Fold ``events`` into the projection and stage their entries; the receipt is
        completed with the group's size and checkpoint at :meth:`flush`.

        Raises:
            EncodingError: an event cannot be a canonical entry (nothing is changed).
        """
        data = [canonical_json(event) for event in events]  # may raise: before any change
        self.writing()
        first = self.next_index
        for event in events:
            self._changed |= apply(self.projection, event)
        self._data += data
        receipt = Receipt(outcome, findings, events, first, 0, "")
        self._unsealed.append(receipt)
        return receipt

    def decide(
        self,
        proposed: dict[str, Any],
        inspect: Callable[[Projection, Decision], None] | None = None,
    ) -> Receipt:
        """Decide ``proposed`` against the projection as this group left it, and record it.

        ``inspect`` sees the decision before anything is recorded, and may raise to record
        nothing (a passkey signature that would not verify).
        """
        decision: Decision = decide(self.projection, proposed)
        if inspect is not None:
            inspect(self.projection, decision)
        return self.record(list(decision.events), decision.outcome, list(decision.findings))

    def after_flush(self, action: Callable[[], None]) -> None:
        """Run ``action`` in this transaction once the entries staged so far are appended."""
        self._after_flush.append(action)

    def flush(self) -> AppendResult | None:
        """Write the projection's changed records, append the staged entries, sign one
        checkpoint, complete their receipts and run the waiting actions (not a commit)."""
        self.broken = True  # until this flush is through: a failure here spoils the group
        if self._changed:
            self.session.put_projection(stored_changes(self.projection, self._changed))
            self._changed = set()
        result = None
        if self._data:
            result = append_entries(self.session, self.signer, self._data)
            self._data = []
            self.size = result.size
            self.checkpoints += 1
            for receipt in self._unsealed:
                seal(receipt, result.size, result.checkpoint_note)
            self._unsealed = []
        actions, self._after_flush = self._after_flush, []
        for action in actions:
            action()
        self.keys.clear()
        self.broken = False
        return result


@dataclass(eq=False)
class _Item(Generic[T]):
    """One queued command and, once its group is done, its outcome."""

    work: Work[T]
    taken: bool = False
    done: bool = False
    value: Any = None
    error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        result: T = self.value
        return result


@dataclass(eq=False)
class _Line:
    """A production's queue: the commands waiting, and whether someone is writing."""

    cond: threading.Condition = field(default_factory=threading.Condition)
    waiting: deque[_Item[Any]] = field(default_factory=deque)
    busy: bool = False


#: Raised, this very instance, to roll a group's transaction back when one of its commands
#: raised after it began to record; the group is then run again one by one. It never
#: leaves this module (a sentinel, not a new kind of error).
_SPOILED = RuntimeError("a command failed after it began to record")


class GroupCommit:
    """The group commit of every production of one store, in this process."""

    def __init__(
        self,
        store: Store,
        signer_for: Callable[[ProductionInfo], Ed25519Signer],
        committed: Callable[[str], None],
        wait: Callable[[], float],
    ) -> None:
        self.store = store
        self._signer_for = signer_for
        self._committed = committed
        self._wait = wait
        self._lines: dict[str, _Line] = {}
        self._guard = threading.Lock()
        self._states: dict[str, State] = {}
        self._local = threading.local()
        #: Groups committed and commands they held, for the benchmarks and tests.
        self.groups = 0
        self.commands = 0

    # -- the state cache -----------------------------------------------------------

    def state(self, slug: str) -> State | None:
        """The cached state of ``slug`` (None if none); valid only while its size is current."""
        return self._states.get(slug)

    def drop(self, slug: str) -> None:
        """Forget ``slug``'s cached state: the next transaction decodes it again."""
        self._states.pop(slug, None)

    def _load(self, slug: str, session: Session) -> State:
        info = session.production()
        state = self._states.pop(slug, None)  # back only once this transaction commits
        if (
            state is not None
            and state.size == info.size
            and state.info.verifier_key == info.verifier_key
        ):
            return state
        same_key = state is not None and state.info.verifier_key == info.verifier_key
        signer = state.signer if state is not None and same_key else None
        return State(info.size, info, load_projection(session), signer or self._signer_for(info))

    @contextmanager
    def _transaction(self, slug: str) -> Iterator[Group]:
        """One write transaction with the production's state; kept only if it commits."""
        with self.store.write(slug) as session:
            group = Group(session, self._load(slug, session))
            self._local.group = group
            try:
                yield group
                group.flush()
            finally:
                self._local.group = None
        state = group.state
        state.size = group.size
        state.info = replace(state.info, size=group.size)
        self._states[slug] = state

    def current(self, session: Session) -> Group:
        """The group whose transaction ``session`` is (on this thread).

        Raises:
            RuntimeError: ``session`` is not a group commit's transaction (a bug).
        """
        group: Group | None = getattr(self._local, "group", None)
        if group is None or group.session is not session:
            raise RuntimeError("entries are recorded only inside App._writer or a group")
        return group

    # -- queueing ------------------------------------------------------------------

    def _line(self, slug: str) -> _Line:
        with self._guard:
            return self._lines.setdefault(slug, _Line())

    def _busy(self, slug: str, waited: float) -> WritersBusy:
        return WritersBusy(
            f"too many commands for {slug!r} are being recorded at once: this one waited "
            f"{waited:g} s and was not recorded; send it again in a few seconds",
            retry_after=max(1, round(waited / 2)),
        )

    def run(self, slug: str, work: Work[T]) -> T:
        """Queue ``work`` on ``slug`` and return its outcome once its group has committed.

        Raises:
            WritersBusy: it waited longer than the bound before its group began.
            Whatever ``work`` raises, or the store raises while committing its group.
        """
        line = self._line(slug)
        item: _Item[T] = _Item(work)
        wait = self._wait()
        deadline = time.monotonic() + wait
        with line.cond:
            line.waiting.append(item)
            while line.busy and not item.done:
                left = deadline - time.monotonic()
                if not item.taken and left <= 0:
                    line.waiting.remove(item)
                    raise self._busy(slug, wait)
                line.cond.wait(None if item.taken else left)
            if item.done:
                return item.outcome()
            line.busy = True  # this thread leads until its own command is done
        try:
            while not item.done:
                with line.cond:
                    batch = [line.waiting.popleft() for _ in range(GROUP_LIMIT) if line.waiting]
                    for taken in batch:
                        taken.taken = True
                self._lead(slug, batch)
        finally:
            with line.cond:
                line.busy = False
                line.cond.notify_all()
        return item.outcome()

    @contextmanager
    def exclusive(self, slug: str) -> Iterator[Session]:
        """A write transaction on ``slug`` run by the calling thread alone (no group).

        For writes made step by step by their caller (a PIN check's outcome, a passkey
        enrolled); entries are recorded in it with :meth:`current` (App._append_own).

        Raises:
            WritersBusy: it waited longer than the bound for the production's writers.
        """
        line = self._line(slug)
        wait = self._wait()
        deadline = time.monotonic() + wait
        with line.cond:
            while line.busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self._busy(slug, wait)
                line.cond.wait(left)
            line.busy = True
        try:
            try:
                with self._transaction(slug) as group:
                    yield group.session
            except BaseException:
                self.drop(slug)
                raise
        finally:
            with line.cond:
                line.busy = False
                line.cond.notify_all()
        self._committed(slug)

    # -- leading a group -------------------------------------------------------------

    def _lead(self, slug: str, batch: list[_Item[Any]]) -> None:
        """Record ``batch`` in one transaction, or each alone if one spoiled it."""
        try:
            try:
                self._commit(slug, batch)
            except RuntimeError as e:
                if e is not _SPOILED:
                    raise
                self.drop(slug)
                for item in batch:
                    self._alone(slug, item)
        except BaseException as e:  # nobody may wait for ever for a group that died
            for item in batch:
                if not item.done:
                    item.error, item.done = e, True
            raise
        finally:
            with self._line(slug).cond:
                self._line(slug).cond.notify_all()

    def _alone(self, slug: str, item: _Item[Any]) -> None:
        try:
            with self._transaction(slug) as group:
                finish = item.work(group)
                group.flush()
                item.value = finish()
        except Exception as e:
            self.drop(slug)
            item.error = e
        else:
            self.groups += 1
            self.commands += 1
            self._committed(slug)
        item.done = True

    def _commit(self, slug: str, batch: list[_Item[Any]]) -> None:
        """Run every command of ``batch`` in one transaction, then answer each.

        Raises:
            RuntimeError: _SPOILED, a command raised after it began to record (nothing is
                committed).
        """
        if len(batch) == 1:
            self._alone(slug, batch[0])
            return
        finishing: list[tuple[_Item[Any], Callable[[], Any]]] = []
        failed: list[tuple[_Item[Any], Exception]] = []
        try:
            with self._transaction(slug) as group:
                for item in batch:
                    touched = group.touched
                    try:
                        finishing.append((item, item.work(group)))
                    except Exception as e:
                        if group.touched != touched or group.broken:
                            raise _SPOILED from e
                        failed.append((item, e))  # it left nothing behind: the rest go on
                group.flush()
                for item, finish in finishing:
                    try:
                        item.value = finish()
                    except Exception as e:
                        raise _SPOILED from e
        except Exception as e:  # the transaction failed: nothing of the group is recorded
            if e is _SPOILED:
                raise
            self.drop(slug)
            errors = {id(item): error for item, error in failed}
            for item in batch:  # every one, even those it never reached (a failed BEGIN)
                item.error, item.done = errors.get(id(item), e), True
            return
        errors = {id(item): error for item, error in failed}
        for item in batch:
            item.error, item.done = errors.get(id(item)), True
        if finishing:
            self.groups += 1
            self.commands += len(finishing)
            self._committed(slug)
