"""The studio view: every production a studio account may see, one row each, alarms first.

The studio's safety office and its insurer sign in with a studio account (schema 8:
``showclear studio account add NAME`` prints its token once) and see the productions
whose own ledgers grant that account (``StudioAccessGranted``, a producer's entry; the
projection's ``studio:<account>`` record). The server's operator sees every production
(``showclear studio list``).

Each row says, for one production: cease-fire and stop-work, open incidents and open
concerns (with escalation, INC-CONCERN), weapons out of storage, suspect lots
(AMMO-SUSPECT), a shoot day left open, how far behind its witnesses are, and, for a
mirror, how fresh it is (as of which entry, synced how long ago) and whether a fork was
refused (an alarm above everything else). Rows are read from the projections' records
by key prefix across all productions in one transaction (:mod:`showclear.store.studio_sql`),
never from a ledger.

What an ``insurer`` sees leaves out personal data beyond names: no incident
description, no concern's text, never who raised a concern (docs/studio.md).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from showclear.protocol import DEFAULT_POLICY
from showclear.protocol.catalogue.studio import STUDIO_ROLES, grant_key
from showclear.protocol.schema import ID_PATTERN
from showclear.protocol.time import format_time, parse_time
from showclear.service.clock import Clock
from showclear.service.errors import AuthError, BadRequest, NotFound
from showclear.service.mirrors import MirrorStatus, freshness
from showclear.store import Store
from showclear.store.studio_sql import (
    MirrorSummary,
    StudioAccountRow,
    StudioSql,
    WitnessSummary,
    studio_session,
)

__all__ = [
    "COOKIE_HOURS",
    "OPERATOR",
    "STALE_AFTER",
    "STATUSES",
    "IssuedAccount",
    "StudioAccount",
    "StudioHost",
    "StudioRow",
    "StudioView",
    "account_for_cookie",
    "account_for_token",
    "add_account",
    "cookie_for",
    "list_accounts",
    "remove_account",
    "studio_view",
]

#: The statuses the view filters by (``?status=``, ``--status``).
STATUSES: Final = ("cease-fire", "stop-work", "incident", "fork", "stale")

#: A mirror not synced, or a witness not cosigning, for this long is stale.
STALE_AFTER: Final = timedelta(hours=24)

#: How long a studio sign-in cookie is good for.
COOKIE_HOURS: Final = 12

#: The role of whoever runs the server (``showclear studio list``): every production, all of it.
OPERATOR: Final = "operator"

_NAME = re.compile(ID_PATTERN)


class StudioHost(Protocol):
    """What the studio view needs of the application (:class:`showclear.service.App`)."""

    store: Store
    clock: Clock


# -- studio accounts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StudioAccount:
    """A studio account as listed: its name and when it was made (never its token)."""

    name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class IssuedAccount:
    """A new account and its sign-in token, shown once: only its SHA-256 is kept."""

    account: StudioAccount
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise BadRequest(
            f"the studio account name {name!r} must be letters, digits, '.', '_' or '-' "
            "(at most 64, starting with a letter or digit), e.g. safety-office"
        )


def add_account(app: StudioHost, name: str) -> IssuedAccount:
    """Make a studio account and its sign-in token (printed once, stored as SHA-256).

    Raises:
        BadRequest: the name is not an id, or an account of that name exists.
    """
    _check_name(name)
    token = secrets.token_urlsafe(32)
    row = StudioAccountRow(name, format_time(app.clock.now()), _hash(token))
    with studio_session(app.store, write=True) as sql:
        if sql.studio_account(name) is not None:
            raise BadRequest(
                f"there is already a studio account {name!r}; remove it first "
                f"(showclear studio account remove {name}) to issue a new token"
            )
        sql.add_studio_account(row)
    return IssuedAccount(StudioAccount(name, row.created_at), token)


def remove_account(app: StudioHost, name: str) -> None:
    """Delete a studio account: its token and cookies stop working at once.

    Its grants stay in the productions' ledgers (a producer revokes them there); an
    account made again under the same name sees them again.

    Raises:
        NotFound: there is no such account.
    """
    with studio_session(app.store, write=True) as sql:
        if not sql.remove_studio_account(name):
            raise NotFound(f"there is no studio account {name!r} (showclear studio account list)")


def list_accounts(app: StudioHost) -> list[StudioAccount]:
    """Every studio account, by name."""
    with studio_session(app.store) as sql:
        return [StudioAccount(r.name, r.created_at) for r in sql.studio_accounts()]


def account_for_token(app: StudioHost, token: str | None) -> str:
    """The studio account whose token this is.

    Raises:
        AuthError: no token, or one no account has.
    """
    if not token:
        raise AuthError("sign in with a studio account's token (Authorization: Bearer TOKEN)")
    with studio_session(app.store) as sql:
        row = sql.studio_account_by_token(_hash(token))
    if row is None:
        raise AuthError(
            "this token is no studio account's: ask whoever runs the studio server for one "
            "(showclear studio account add NAME)"
        )
    return row.name


def _cookie_mac(row: StudioAccountRow, expires: int) -> str:
    # Keyed by the token's hash: a cookie dies with its account (removed, or re-issued),
    # and any of several servers on one database checks it without a shared secret.
    key = bytes.fromhex(row.token_hash)
    return hmac.new(key, f"{row.name}.{expires}".encode(), hashlib.sha256).hexdigest()


def cookie_for(app: StudioHost, token: str) -> tuple[str, str, int]:
    """Sign in with a token: ``(account, cookie value, seconds it lasts)``.

    Raises:
        AuthError: no account has this token.
    """
    name = account_for_token(app, token)
    with studio_session(app.store) as sql:
        row = sql.studio_account(name)
    assert row is not None
    seconds = COOKIE_HOURS * 3600
    expires = int(app.clock.now().timestamp()) + seconds
    return name, f"{name}.{expires}.{_cookie_mac(row, expires)}", seconds


def account_for_cookie(app: StudioHost, cookie: str | None) -> str:
    """The studio account a sign-in cookie speaks for.

    Raises:
        AuthError: no cookie, an expired or altered one, or its account was removed.
    """
    name, _, rest = (cookie or "").partition(".")
    expires_text, _, mac = rest.partition(".")
    if not (name and expires_text.isdigit() and mac):
        raise AuthError("sign in to the studio view with your studio account's token")
    expires = int(expires_text)
    with studio_session(app.store) as sql:
        row = sql.studio_account(name)
    if row is None or not hmac.compare_digest(mac, _cookie_mac(row, expires)):
        raise AuthError("this sign-in is no longer valid: sign in again with your token")
    if expires < app.clock.now().timestamp():
        raise AuthError("this sign-in has expired: sign in again with your token")
    return name


# -- the rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StudioRow:
    """One production on the studio view, as the viewer's role may see it."""

    slug: str
    name: str
    role: str  # the viewer's: safety-office, insurer, or operator
    size: int  # entries in this database's copy of the ledger
    ceasefire: bool
    ceasefire_incidents: list[int]
    stop_work: list[int]  # stop-work concerns, by number
    incidents: list[dict[str, Any]]
    concerns: list[dict[str, Any]]
    weapons_out: list[dict[str, Any]]
    suspect_lots: list[dict[str, Any]]
    day: dict[str, Any] | None
    days_not_closed: int
    witnesses: list[dict[str, Any]]
    mirror: dict[str, Any] | None  # None: written here, not a mirror
    forks: int  # syncs refused as forks, kept as evidence (a mirror's, or a promoted writer's)
    statuses: list[str]
    alarms: list[str]  # in words, worst first
    rank: int  # 0 fork, 1 cease-fire or stop-work, 2 something to look at, 3 calm

    def to_json(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class StudioView:
    """What one viewer sees: their account (None: the operator), when, and the rows."""

    account: str | None
    as_of: str
    status: str | None
    rows: list[StudioRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The view as JSON-ready data."""
        return {
            "account": self.account,
            "as_of": self.as_of,
            "status": self.status,
            "productions": [row.to_json() for row in self.rows],
        }


@dataclass(frozen=True, slots=True)
class _PolicyFacts:
    """What the view needs of a production's policy: INC-CONCERN's hours, the witnesses."""

    escalation_hours: int
    witnesses: tuple[str, ...]

    @classmethod
    def of(cls, stored: Any) -> _PolicyFacts:
        # The stored policy (Policy.to_json: every key) read for two keys, not validated
        # whole: the production validated it when it was recorded.
        stored = stored if isinstance(stored, dict) else {}
        hours = stored.get("concern_escalation_hours")
        listed = stored.get("witnesses") or []
        return cls(
            hours if isinstance(hours, int) else DEFAULT_POLICY.concern_escalation_hours,
            tuple(str(w["name"]) for w in listed if isinstance(w, dict) and "name" in w),
        )


def _minutes(since: str | None, now: datetime) -> int | None:
    if not since:
        return None
    try:
        return max(0, math.floor((now - parse_time(since)).total_seconds() / 60))
    except ValueError:
        return None


def _incidents(records: Mapping[str, Any], full: bool) -> list[dict[str, Any]]:
    found = []
    for key, incident in records.items():
        if not key.startswith("incident:"):
            continue
        line = {
            "number": int(key[9:]),
            "kind": incident.get("kind"),
            "opened_at": incident.get("opened_at"),
            "weapon": incident.get("weapon"),
            "lot": incident.get("lot"),
            "rules": list(incident.get("rules") or []),
            "reviewed_by": sorted((incident.get("reviews") or {}).keys()),
        }
        if full:
            line["description"] = incident.get("description")
        found.append(line)
    return sorted(found, key=lambda line: line["number"])


def _concerns(
    records: Mapping[str, Any], policy: _PolicyFacts, now: datetime, full: bool
) -> list[dict[str, Any]]:
    hours = timedelta(hours=policy.escalation_hours)
    found = []
    for key, concern in records.items():
        if not key.startswith("concern:"):
            continue
        raised_at = str(concern.get("raised_at"))
        try:
            due = parse_time(raised_at) + hours
        except ValueError:
            due = now
        line = {
            "number": int(key[8:]),
            "raised_at": raised_at,
            "stop_work": bool(concern.get("stop_work")),
            # Escalated once recorded so, or once its hours passed: the entry is written by
            # the production's next command, which a set offline may not give for days.
            "escalated": bool(concern.get("escalated")) or due <= now,
            "escalates_at": format_time(due),
        }
        if full:
            line["text"] = concern.get("text")
            line["raised_by"] = None if concern.get("anonymous") else concern.get("raised_by")
        found.append(line)
    return sorted(found, key=lambda line: line["number"])


def _weapons_out(records: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    found = []
    for key, weapon in sorted(records.items()):
        location = str(weapon.get("location", "")) if key.startswith("weapon:") else "storage:"
        if location.startswith("storage:"):
            continue
        kind, _, where = location.partition(":")
        holder = where if kind == "person" else None
        found.append(
            {
                "weapon": key[7:],
                "state": weapon.get("state"),
                "holder": holder,
                "holder_name": names.get(holder, holder) if holder else None,
                "setup": weapon.get("setup"),
            }
        )
    return found


def _suspect_lots(records: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "lot": key[4:],
            "kind": lot.get("kind"),
            "reason": (lot.get("suspect") or {}).get("reason"),
            "since": (lot.get("suspect") or {}).get("at"),
        }
        for key, lot in sorted(records.items())
        if key.startswith("lot:") and lot.get("suspect")
    ]


def _days_not_closed(day: Mapping[str, Any] | None, now: datetime) -> int:
    """Whole days a shoot day has stayed open past its first 24 hours (0 when closed)."""
    if not day or not day.get("open"):
        return 0
    minutes = _minutes(str(day.get("opened_at")), now)
    return 0 if minutes is None else minutes // (24 * 60)


def _witness_lags(
    policy: _PolicyFacts,
    states: Sequence[WitnessSummary],
    size: int,
    at: Mapping[int, str],
    now: datetime,
) -> list[dict[str, Any]]:
    known = {s.witness: s for s in states}
    lags = []
    for name in policy.witnesses:
        state = known.get(name)
        cosigned = state.cosigned_size if state else 0
        behind = max(0, size - cosigned)
        lags.append(
            {
                "witness": name,
                "cosigned_size": cosigned,
                "behind_entries": behind,
                # Since the first entry it has not cosigned was recorded.
                "behind_minutes": (_minutes(at.get(cosigned), now) or 0) if behind else 0,
                "failures": state.failures if state else 0,
            }
        )
    return lags


def _mirror(slug: str, summary: MirrorSummary | None, now: datetime) -> dict[str, Any] | None:
    if summary is None or not summary.source:
        return None  # written here; a promoted writer's forks are the row's own (``forks``)
    status = MirrorStatus(
        slug, summary.source, summary.synced_at, summary.synced_size, summary.forks
    )
    return {
        "source": status.source,
        "synced_at": status.synced_at,
        "synced_size": status.synced_size,
        "synced_minutes_ago": _minutes(status.synced_at, now),
        "forks": status.forks,
        "freshness": freshness(status, now),  # "as of entry 4,812, synced 14 min ago"
    }


def _assess(row: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """The row's statuses, its alarms in words (worst first) and its rank."""
    statuses: list[str] = []
    alarms: list[str] = []
    rank = 3
    mirror = row["mirror"]
    stale_minutes = STALE_AFTER.total_seconds() / 60
    if row["forks"]:
        statuses.append("fork")
        # A writer with forks was promoted here: the old writer went on writing (docs/deploy.md).
        alarms.append(
            f"FORK: {row['forks']} sync(s) refused as a forked or forged history; "
            "both checkpoints are kept as evidence"
            + ("" if mirror is not None else " (from the writer before promote)")
        )
        rank = 0
    if row["ceasefire_incidents"]:
        statuses.append("cease-fire")
        numbers = ", ".join(map(str, row["ceasefire_incidents"]))
        alarms.append(f"CEASE-FIRE: incident {numbers} not yet reviewed (INC-CEASEFIRE)")
        rank = min(rank, 1)
    if row["stop_work"]:
        statuses.append("stop-work")
        numbers = ", ".join(map(str, row["stop_work"]))
        alarms.append(f"STOP-WORK: concern {numbers} not yet answered (INC-CONCERN)")
        rank = min(rank, 1)
    if row["incidents"]:
        statuses.append("incident")
        rank = min(rank, 2)
    escalated = [c["number"] for c in row["concerns"] if c["escalated"]]
    if escalated:
        alarms.append(f"concern {', '.join(map(str, escalated))} escalated to the producers")
        rank = min(rank, 2)
    if row["suspect_lots"]:
        lots = ", ".join(lot["lot"] for lot in row["suspect_lots"])
        alarms.append(f"suspect lot {lots} (AMMO-SUSPECT)")
        rank = min(rank, 2)
    if row["days_not_closed"]:
        alarms.append(f"shoot day {row['day']['date']} still open after 24 hours")
        rank = min(rank, 2)
    stale = mirror is not None and (
        mirror["synced_minutes_ago"] is None or mirror["synced_minutes_ago"] >= stale_minutes
    )
    stale = stale or any(lag["behind_minutes"] >= stale_minutes for lag in row["witnesses"])
    if stale:
        statuses.append("stale")
        alarms.append("stale: not synced or not witnessed for 24 hours or more")
        rank = min(rank, 2)
    return statuses, alarms, rank


_KEYS: Final = ("ceasefire", "day", "policy")
_PREFIXES: Final = ("weapon:", "lot:", "incident:", "concern:")
#: Records left unread: weapons in storage, lots not suspect (most of every inventory).
_UNLESS: Final = {"weapon:": '"location":"storage:', "lot:": '"suspect":null'}


def _rows(
    sql: StudioSql,
    productions: Sequence[tuple[str, str, int]],
    roles: Mapping[str, str],
    now: datetime,
) -> list[StudioRow]:
    slugs = [slug for slug, _, _ in productions]
    records = sql.records_by_prefix(slugs, _KEYS, _PREFIXES, _UNLESS)
    witness_states = sql.witnesses(slugs)
    mirrors = sql.mirrors(slugs) or {}
    policies = {slug: _PolicyFacts.of(records[slug].get("policy")) for slug in slugs}
    sizes = {slug: size for slug, _, size in productions}
    # The time of the first entry each listed witness has not cosigned: one query for all.
    wanted = sorted(
        {
            (slug, state.cosigned_size)
            for slug in slugs
            for state in witness_states.get(slug, [])
            if state.cosigned_size < sizes[slug] and state.witness in policies[slug].witnesses
        }
        | {
            (slug, 0)
            for slug in slugs
            if policies[slug].witnesses
            and len(witness_states.get(slug, [])) < len(policies[slug].witnesses)
        }
    )
    times: dict[str, dict[int, str]] = {}
    for (owner, index), at in sql.entry_times(wanted).items():
        times.setdefault(owner, {})[index] = at
    # The names of the people holding a weapon out of storage: one query for all.
    people: set[tuple[str, str]] = set()
    for slug in slugs:
        for key, value in records[slug].items():
            location = str(value.get("location", "")) if key.startswith("weapon:") else ""
            if location.startswith("person:"):
                people.add((slug, location[7:]))
    names = sql.person_names(sorted(people))
    rows = []
    for slug, name, size in productions:
        role = roles[slug]
        full = role != "insurer"
        held = records[slug]
        ceasefire = held.get("ceasefire") or {}
        mirror = mirrors.get(slug)
        row: dict[str, Any] = {
            "slug": slug,
            "name": name,
            "role": role,
            "size": size,
            "ceasefire": bool(ceasefire.get("active")),
            "ceasefire_incidents": list(ceasefire.get("incidents") or []),
            "stop_work": list(ceasefire.get("stop_work_concerns") or []),
            "incidents": _incidents(held, full),
            "concerns": _concerns(held, policies[slug], now, full),
            "weapons_out": _weapons_out(held, names.get(slug, {})),
            "suspect_lots": _suspect_lots(held),
            "day": held.get("day")
            and {"date": held["day"].get("date"), "open": bool(held["day"].get("open"))},
            "days_not_closed": _days_not_closed(held.get("day"), now),
            "witnesses": _witness_lags(
                policies[slug],
                witness_states.get(slug, []),
                size,
                times.get(slug, {}),
                now,
            ),
            "mirror": _mirror(slug, mirror, now),
            "forks": mirror.forks if mirror is not None else 0,
        }
        statuses, alarms, rank = _assess(row)
        rows.append(StudioRow(**row, statuses=statuses, alarms=alarms, rank=rank))
    return sorted(rows, key=lambda r: (r.rank, r.name.lower(), r.slug))


def _check_status(status: str | None) -> None:
    if status is not None and status not in STATUSES:
        raise BadRequest(f"unknown status {status!r}; the statuses are: {', '.join(STATUSES)}")


def studio_view(app: StudioHost, account: str | None, status: str | None = None) -> StudioView:
    """The productions ``account`` is granted (None: the operator, every production), one
    row each, alarms first; with ``status``, only the rows that have it.

    Raises:
        BadRequest: ``status`` is not one of :data:`STATUSES`.
    """
    _check_status(status)
    now = app.clock.now()
    with studio_session(app.store) as sql:
        productions = sql.productions()
        slugs = [slug for slug, _, _ in productions]
        if account is None:
            roles = dict.fromkeys(slugs, OPERATOR)
        else:
            grants = sql.records_named(slugs, grant_key(account))
            roles = {
                slug: str(grant.get("role"))
                for slug, grant in grants.items()
                if isinstance(grant, dict) and grant.get("role") in STUDIO_ROLES
            }
            productions = [p for p in productions if p[0] in roles]
        rows = _rows(sql, productions, roles, now)
    if status is not None:
        rows = [row for row in rows if status in row.statuses]
    return StudioView(account, format_time(now), status, rows)
