"""The HTTP API: JSON over the service layer, problem+json errors, an OpenAPI schema.

Routes are thin: they parse a request into a command or a query, call one
method of :class:`showclear.service.App`, and render its result. Authentication,
the role x command matrix and the safety rules all live in the service, so the
CLI and the API cannot disagree.

    api/
      app.py         create_api: the FastAPI application (the API alone)
      routes/        one router per domain (signing in, people, the day, ...)
      responses.py   response bodies
      security.py    the acting member of a command, answered as JSON
      problems.py    errors as RFC 9457 problem details
      errors.py      the API's own errors

Who is asking (session cookie or bearer token) is :mod:`showclear.http`, shared with
the web UI, which the API never imports; the bodies are :mod:`showclear.commands`.
:mod:`showclear.server` serves the API and the web UI as one application.
"""

from showclear.api.app import create_api

__all__ = ["create_api"]
