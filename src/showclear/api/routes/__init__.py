"""The API's routers; every path is under ``/productions/{slug}``.

``commands`` holds one route per command of the event catalogue, derived from it; the
others are signing in, passkeys, the views and the ledger.
"""

from showclear.api.routes import commands, ledger, passkeys, signin, views

__all__ = ["ROUTERS"]

ROUTERS = [signin.router, commands.router, passkeys.router, views.router, ledger.router]
