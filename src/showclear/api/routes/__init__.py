"""The API's routers, one per domain; every path is under ``/productions/{slug}``."""

from showclear.api.routes import (
    custody,
    day,
    incidents,
    inventory,
    ledger,
    people,
    setups,
    signin,
    views,
)

__all__ = ["ROUTERS"]

ROUTERS = [
    signin.router,
    people.router,
    day.router,
    inventory.router,
    setups.router,
    custody.router,
    incidents.router,
    views.router,
    ledger.router,
]
