"""The API's routers; every path is under ``/productions/{slug}`` but the studio view's
(``/api/studio/...``: a studio account belongs to no production).

``commands`` holds one route per command of the event catalogue, derived from it; the
others are signing in, passkeys, the views, the ledger and the documents.
"""

from showclear.api.routes import (
    commands,
    documents,
    ledger,
    mirror,
    passkeys,
    settings,
    signin,
    studio,
    views,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    signin.router,
    commands.router,
    passkeys.router,
    views.router,
    settings.router,
    ledger.router,
    documents.router,
    mirror.router,
    studio.router,
]
