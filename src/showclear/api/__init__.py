"""The HTTP API: JSON over the service layer, problem+json errors, an OpenAPI schema.

Routes are thin: they parse a request into a command or a query, call one
method of :class:`showclear.service.App`, and render its result. Authentication,
the role x command matrix and the safety rules all live in the service, so the
CLI and the API cannot disagree.

    api/
      app.py         create_api: the FastAPI application
      routes/        one router per domain (signing in, people, the day, ...)
      commands.py    one request body per command, fields from the event catalog
      responses.py   response bodies
      fields.py      value types shared by bodies and paths
      security.py    who is asking: session cookie or bearer token
      problems.py    errors as RFC 9457 problem details
      errors.py      the API's own errors
"""

from showclear.api.app import create_api

__all__ = ["create_api"]
