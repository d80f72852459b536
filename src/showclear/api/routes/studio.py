"""The studio view as JSON: ``GET /api/studio/productions`` for a studio account's token.

Outside every production's path: a studio account is no member of any production; it
sees the productions whose ledgers grant it (docs/studio.md), one row each, alarms first.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from showclear.api.problems import errors
from showclear.http import Service
from showclear.service.studio import account_for_token, studio_view

__all__ = ["router"]

router = APIRouter(prefix="/api/studio", tags=["studio"])

_studio_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="studio-token",
    description="A studio account's token (`showclear studio account add NAME` prints it).",
)

StatusFilter = Literal["cease-fire", "stop-work", "incident", "fork", "stale"]


class StudioProductions(BaseModel):
    """Every production the account is granted, one row each, alarms first."""

    account: str | None = Field(description="The studio account asking.")
    as_of: str = Field(description="When the view was read (RFC 3339, UTC).")
    status: str | None = Field(description="The status filtered by, if any.")
    productions: list[dict[str, Any]] = Field(
        description="One row per production: slug, name, the viewer's role, size (entries), "
        "ceasefire, ceasefire_incidents, stop_work, incidents, concerns (escalated, "
        "escalates_at), weapons_out, suspect_lots, day, days_not_closed, witnesses (lag), "
        "mirror (source, synced_at, synced_size, synced_minutes_ago, forks, freshness) or null, "
        "statuses, alarms (in words) and rank (0 fork, 1 cease-fire or stop-work, 2 to look "
        "at, 3 calm). An insurer's rows leave out incident descriptions, concern texts and "
        "who raised a concern."
    )


def _account(
    app: Service,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_studio_bearer)],
) -> str:
    return account_for_token(app, bearer.credentials if bearer else None)


@router.get("/productions", responses=errors(400, 401, 422, 503))
def studio_productions(
    app: Service,
    account: Annotated[str, Depends(_account)],
    status: Annotated[
        StatusFilter | None, Query(description="Only the productions with this status.")
    ] = None,
) -> StudioProductions:
    """The studio view: the productions this studio account is granted, alarms first."""
    return StudioProductions.model_validate(studio_view(app, account, status).to_json())
