"""The set authority, offered to phones and tablets for one-time install (``/ca``, docs/tls.md).

``showclear serve --tls`` presents a certificate signed by the set's own authority
(:mod:`showclear.tls`); a device trusts it once the authority is installed. This page,
open to anyone on the set network (nothing on it is secret), shows the authority's
SHA-256 fingerprint, a download of its certificate (``/ca.crt``, DER, the type iOS and
Android open as a certificate to install; ``/ca.pem`` for computers), and a QR code of
its own address, so a tablet already signed in shows a phone where to go. The
fingerprint to compare is the one on the armorer's laptop (``serve`` prints it): a
page reached before the device trusts the server could have been altered on the way.
"""

from __future__ import annotations

import re

import segno
from fastapi import APIRouter, Request, Response
from markupsafe import Markup

from showclear.service import NotFound
from showclear.tls import Authority
from showclear.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_FILENAME = "showclear-set-ca"


def _authority(request: Request) -> Authority | None:
    authority = getattr(request.app.state, "authority", None)
    return authority if isinstance(authority, Authority) else None


def _required(request: Request) -> Authority:
    authority = _authority(request)
    if authority is None:
        raise NotFound(
            "this server has no set authority to install: it uses a certificate from a "
            "public authority, which devices already trust (or it serves this computer alone)"
        )
    return authority


def _qr_svg(text: str) -> Markup:
    svg = segno.make(text, error="m").svg_inline(scale=5, light="#fff", border=4)
    # Drawn for the eye; the figure's caption and the address beside it say the same in words.
    return Markup(re.sub(r"^<svg ", '<svg aria-hidden="true" focusable="false" ', svg))


@router.get("/ca")
def ca_page(request: Request) -> Response:
    """How to trust this server on a phone or tablet: the authority, its fingerprint, a QR code."""
    address = str(request.url.replace(query=None, fragment=None))
    return page(
        request,
        "ca.html",
        title="Trust this set's server",
        authority=_authority(request),
        address=address,
        qr=_qr_svg(address),
    )


@router.get("/ca.crt")
def ca_der(request: Request) -> Response:
    """The authority's certificate (DER) as phones and tablets install it."""
    return Response(
        _required(request).der(),
        media_type="application/x-x509-ca-cert",
        headers={"Content-Disposition": f'attachment; filename="{_FILENAME}.crt"'},
    )


@router.get("/ca.pem")
def ca_pem(request: Request) -> Response:
    """The authority's certificate (PEM), for computers and `certutil` or `openssl`."""
    return Response(
        _required(request).pem(),
        media_type="application/x-pem-file",
        headers={"Content-Disposition": f'attachment; filename="{_FILENAME}.pem"'},
    )
