"""Studio accounts: a token printed once (its SHA-256 kept), a signed cookie, removal."""

from __future__ import annotations

import hashlib

import pytest

from showclear.service import App, AuthError, BadRequest, FixedClock, NotFound
from showclear.service.studio import (
    account_for_cookie,
    account_for_token,
    add_account,
    cookie_for,
    list_accounts,
    remove_account,
)
from showclear.store.studio_sql import studio_session


def test_an_account_signs_in_with_its_token_and_only_its_hash_is_kept(app: App) -> None:
    """The token names the account; the database holds its SHA-256, never the token."""
    issued = add_account(app, "safety-office")
    assert account_for_token(app, issued.token) == "safety-office"
    with studio_session(app.store) as sql:
        (row,) = sql.studio_accounts()
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in repr(row)
    assert [a.name for a in list_accounts(app)] == ["safety-office"]
    with pytest.raises(AuthError, match="no studio account's"):
        account_for_token(app, issued.token + "x")
    with pytest.raises(AuthError, match="Bearer"):
        account_for_token(app, None)


def test_a_name_is_taken_once_and_must_be_an_id(app: App) -> None:
    """A second account of one name is refused, and so is a name that is no id."""
    add_account(app, "insurer")
    with pytest.raises(BadRequest, match="already a studio account 'insurer'"):
        add_account(app, "insurer")
    with pytest.raises(BadRequest, match="must be letters"):
        add_account(app, "the insurer")


def test_a_removed_account_loses_its_token_and_its_cookies(app: App) -> None:
    """Removing the account ends its token and every cookie it signed in with."""
    issued = add_account(app, "insurer")
    _, cookie, _ = cookie_for(app, issued.token)
    assert account_for_cookie(app, cookie) == "insurer"
    remove_account(app, "insurer")
    with pytest.raises(AuthError):
        account_for_token(app, issued.token)
    with pytest.raises(AuthError, match="no longer valid"):
        account_for_cookie(app, cookie)
    with pytest.raises(NotFound, match="no studio account 'insurer'"):
        remove_account(app, "insurer")


def test_a_cookie_cannot_be_altered_or_used_after_it_expires(app: App, clock: FixedClock) -> None:
    """Another account's name, a changed expiry or a late cookie is refused."""
    add_account(app, "safety-office")
    issued = add_account(app, "insurer")
    name, cookie, seconds = cookie_for(app, issued.token)
    _, expires, mac = cookie.split(".")
    with pytest.raises(AuthError):
        account_for_cookie(app, f"safety-office.{expires}.{mac}")
    with pytest.raises(AuthError):
        account_for_cookie(app, f"{name}.{int(expires) + 3600}.{mac}")
    with pytest.raises(AuthError):
        account_for_cookie(app, "garbage")
    clock.advance(seconds=seconds + 1)
    with pytest.raises(AuthError, match="expired"):
        account_for_cookie(app, cookie)
