"""``showclear tls`` and ``serve --tls``: the set's own authority, its server certificate, HTTPS.

The certificates are checked with cryptography's own path validation (RFC 5280, as a
browser does: chain, validity, name, extended key usage, name constraints), not by
reading back what showclear wrote.
"""

from __future__ import annotations

import os
import socket
import ssl
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from .conftest import Cli

NAME = "set.showclear.test"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """The command line over a database and a key directory of this test (no backend needed)."""
    return Cli(str(tmp_path / "showclear.db"), tmp_path / "keys")


def _tls(cli: Cli) -> Path:
    return cli.keys.parent / "tls"


def _certificates(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def _verify(ca: x509.Certificate, leaf: x509.Certificate, name: x509.GeneralName) -> None:
    """Validate ``leaf`` for ``name`` with ``ca`` as the only trust anchor, as a browser would."""
    verifier = (
        PolicyBuilder().store(Store([ca])).time(datetime.now(UTC)).build_server_verifier(name)  # type: ignore[arg-type]
    )
    verifier.verify(leaf, [])


def test_tls_init_makes_an_authority_and_a_server_certificate_for_the_names_given(
    cli: Cli,
) -> None:
    """The server certificate names exactly the names and addresses, and chains to the CA."""
    ran = cli.main("tls", "init", "--name", NAME, "--name", "ShowClear.local", "--ip", "10.1.2.3")
    assert ran.code == 0, ran.text
    tls = _tls(cli)
    (ca,) = _certificates(tls / "ca.pem")
    leaf, served_ca = _certificates(tls / "server.pem")
    assert served_ca == ca  # the chain served holds the authority after the leaf
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == [NAME, "showclear.local"]
    assert san.get_values_for_type(x509.IPAddress) == [ip_address("10.1.2.3")]
    for name in (x509.DNSName(NAME), x509.DNSName("showclear.local")):
        _verify(ca, leaf, name)
    _verify(ca, leaf, x509.IPAddress(ip_address("10.1.2.3")))
    with pytest.raises(VerificationError):
        _verify(ca, leaf, x509.DNSName("other.local"))
    common = ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common == f"showclear set CA {socket.gethostname()}"[:64]
    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= timedelta(days=398)
    fingerprint = ca.fingerprint(hashes.SHA256()).hex(":").upper()
    said = "".join(ran.text.split())  # the terminal's width may wrap a long path or fingerprint
    assert fingerprint in said
    assert str(tls / "ca.pem") in said and str(tls / "server.key") in said


def test_tls_init_names_the_authority_after_the_production(cli: Cli) -> None:
    """With --production, the authority is "showclear set CA <production>"."""
    assert cli.main("--production", "dust-creek", "tls", "init", "--name", NAME).code == 0
    (ca,) = _certificates(_tls(cli) / "ca.pem")
    assert ca.subject.rfc4514_string() == "CN=showclear set CA dust-creek,O=showclear"


def test_the_private_keys_are_readable_by_their_owner_only(cli: Cli) -> None:
    """ca.key and server.key are 0600, in a 0700 folder."""
    cli.ok("tls", "init", "--name", NAME)
    tls = _tls(cli)
    assert stat.S_IMODE(tls.stat().st_mode) == 0o700
    for key in ("ca.key", "server.key"):
        assert stat.S_IMODE((tls / key).stat().st_mode) == 0o600, key


def test_tls_init_refuses_to_replace_an_authority_without_force(cli: Cli) -> None:
    """Devices trust the authority they installed: a second init keeps it, unless --force."""
    cli.ok("tls", "init", "--name", NAME)
    ca = (_tls(cli) / "ca.pem").read_bytes()
    ran = cli.main("tls", "init", "--name", NAME)
    assert ran.code == 2
    assert "already" in ran.text and "--force" in ran.text and "tls issue" in ran.text
    assert (_tls(cli) / "ca.pem").read_bytes() == ca
    cli.ok("tls", "init", "--name", NAME, "--force")
    assert (_tls(cli) / "ca.pem").read_bytes() != ca


def test_tls_issue_renews_the_server_certificate_with_the_same_authority(cli: Cli) -> None:
    """A new address on the same names: a new server key, the authority unchanged."""
    cli.ok("tls", "init", "--name", NAME, "--dir", str(cli.keys.parent / "elsewhere"))
    tls = cli.keys.parent / "elsewhere"
    ca, key = (tls / "ca.pem").read_bytes(), (tls / "server.key").read_bytes()
    cli.ok("tls", "issue", "--name", NAME, "--ip", "192.168.7.9", "--dir", str(tls))
    assert (tls / "ca.pem").read_bytes() == ca and (tls / "server.key").read_bytes() != key
    (authority,) = _certificates(tls / "ca.pem")
    leaf, _ = _certificates(tls / "server.pem")
    _verify(authority, leaf, x509.IPAddress(ip_address("192.168.7.9")))


def test_the_authority_cannot_vouch_for_other_names(cli: Cli) -> None:
    """Name constraints: tls issue refuses a name outside them, and a browser would too."""
    cli.ok("tls", "init", "--name", NAME)
    tls = _tls(cli)
    ran = cli.main("tls", "issue", "--name", "bank.example")
    assert ran.code == 2 and "may vouch only for set.showclear.test" in ran.text
    # Even one signed with the authority's key outside showclear fails validation.
    (authority,) = _certificates(tls / "ca.pem")
    ca_key = serialization.load_pem_private_key((tls / "ca.key").read_bytes(), None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    forged_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    forged = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bank.example")]))
        .issuer_name(authority.subject)
        .public_key(forged_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("bank.example")]), False)
        .sign(ca_key, hashes.SHA256())
    )
    with pytest.raises(VerificationError):
        _verify(authority, forged, x509.DNSName("bank.example"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "192.168.1.20"], "is an address: give it with --ip"),
        (["--name", "show clear"], "is not a host name"),
        (["--name", NAME, "--ip", "set"], "is not an IP address"),
    ],
)
def test_tls_init_says_what_is_wrong_with_a_name(cli: Cli, args: list[str], message: str) -> None:
    """A bad name or address is refused with what to give instead; nothing is written."""
    ran = cli.main("tls", "init", *args)
    assert ran.code == 2 and message in ran.text, ran.text
    assert not (_tls(cli) / "ca.pem").exists()


# -- serve ---------------------------------------------------------------------------------


@pytest.fixture
def uvicorn_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``serve`` would start uvicorn with, instead of starting it."""
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: runs.append(kwargs))
    return runs


def test_serve_tls_loads_the_files_tls_init_made(
    cli: Cli, uvicorn_runs: list[dict[str, Any]]
) -> None:
    """--tls serves the server certificate chain and key, and names the /ca page."""
    cli.ok("init", "--production", "Dust Creek")
    cli.ok("tls", "init", "--name", NAME)
    ran = cli.main("serve", "--tls", "--host", "0.0.0.0", "--port", "8443")
    assert ran.code == 0, ran.text
    (run,) = uvicorn_runs
    tls = _tls(cli)
    assert (run["ssl_certfile"], run["ssl_keyfile"]) == (
        str(tls / "server.pem"),
        str(tls / "server.key"),
    )
    assert f"https://{NAME}:8443/ca" in ran.text
    assert "Warning" not in ran.text


def test_serve_warns_that_plain_http_on_the_network_cannot_sign_tablets_in(
    cli: Cli, uvicorn_runs: list[dict[str, Any]]
) -> None:
    """Without TLS on a network address, serve says why tablets cannot sign in and what to run."""
    cli.ok("init", "--production", "Dust Creek")
    ran = cli.main("serve", "--host", "0.0.0.0")
    assert ran.code == 0
    assert uvicorn_runs[0]["ssl_certfile"] is None
    assert "cannot sign in" in ran.text and "showclear tls init" in ran.text
    assert "Warning" not in cli.main("serve", "--host", "127.0.0.1").text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tls"], "showclear tls init --name"),
        (["--cert", "x.pem"], "--cert and --key go together"),
        (["--tls", "--cert", "x.pem", "--key", "x.key"], "not both"),
        (["--cert", "missing.pem", "--key", "missing.key"], "there is no file missing.pem"),
    ],
)
def test_serve_says_what_is_missing_for_https(
    cli: Cli, uvicorn_runs: list[dict[str, Any]], args: list[str], message: str
) -> None:
    """A missing certificate, or half of one, is an error that says what to run or give."""
    cli.ok("init", "--production", "Dust Creek")
    ran = cli.main("serve", *args)
    assert ran.code != 0 and message in ran.text, ran.text
    assert not uvicorn_runs


def test_serve_says_when_a_certificate_and_key_do_not_go_together(
    cli: Cli, uvicorn_runs: list[dict[str, Any]], tmp_path: Path
) -> None:
    """--cert with another certificate's key is an error before the server starts."""
    cli.ok("init", "--production", "Dust Creek")
    cli.ok("tls", "init", "--name", NAME, "--dir", str(tmp_path / "one"))
    cli.ok("tls", "init", "--name", NAME, "--dir", str(tmp_path / "two"))
    cert, key = tmp_path / "one" / "server.pem", tmp_path / "two" / "server.key"
    ran = cli.main("serve", "--cert", str(cert), "--key", str(key))
    assert ran.code == 5 and "cannot serve HTTPS" in ran.text, ran.text
    assert not uvicorn_runs
    ran = cli.main("serve", "--cert", str(cert), "--key", str(tmp_path / "one" / "server.key"))
    assert ran.code == 0 and uvicorn_runs[0]["ssl_certfile"] == str(cert)
    assert f"https://{NAME}:8000" in ran.text


def test_serve_refuses_a_server_key_others_can_read(
    cli: Cli, uvicorn_runs: list[dict[str, Any]]
) -> None:
    """A server key readable by others is not served: chmod 600 is the remedy."""
    cli.ok("init", "--production", "Dust Creek")
    cli.ok("tls", "init", "--name", NAME)
    (_tls(cli) / "server.key").chmod(0o644)
    ran = cli.main("serve", "--tls")
    assert ran.code == 5 and "chmod 600" in ran.text
    assert not uvicorn_runs


# -- serve, for real -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving_tls(db: str, keys: Path) -> Iterator[int]:
    """``showclear --db DB --key-dir KEYS serve --tls`` in a process of its own; its port."""
    port = _free_port()
    command = [
        *(sys.executable, "-c", "from showclear.cli import main; main()"),
        *("--db", db, "--key-dir", str(keys), "serve", "--tls", "--port", str(port)),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWCLEAR_")}
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            deadline = time.monotonic() + 20
            while not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    _, err = process.communicate()
                    raise AssertionError(f"showclear serve --tls did not start: {err}")
                time.sleep(0.1)
            yield port
        finally:
            process.terminate()
            process.wait(10)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def served(cli: Cli) -> Iterator[tuple[str, Path]]:
    """``serve --tls`` with a certificate ``tls init`` made; its base URL and the CA file."""
    cli.ok("init", "--production", "Dust Creek")
    cli.ok("tls", "init", "--name", NAME)
    with serving_tls(cli.db, cli.keys) as port:
        yield f"https://127.0.0.1:{port}", _tls(cli) / "ca.pem"


def test_serve_tls_answers_over_https_with_a_certificate_for_the_name(
    served: tuple[str, Path],
) -> None:
    """A client trusting only the set authority reaches the server by its name, over HTTPS."""
    base, ca = served
    trusting = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(verify=trusting) as client:
        # The name goes in the TLS handshake (SNI) and is what the certificate is checked for.
        page = client.get(f"{base}/ca", extensions={"sni_hostname": NAME}, headers={"Host": NAME})
        assert page.status_code == 200
        (authority,) = _certificates(ca)
        assert authority.fingerprint(hashes.SHA256()).hex(":").upper() in page.text
        assert f"https://{NAME}" in page.text  # the QR code's address is the one the device used
        download = client.get(f"{base}/ca.crt", extensions={"sni_hostname": NAME})
        assert download.headers["content-type"] == "application/x-x509-ca-cert"
        assert x509.load_der_x509_certificate(download.content) == authority
    with (
        httpx.Client(verify=trusting) as fresh,  # a new connection: a new handshake
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        fresh.get(f"{base}/ca", extensions={"sni_hostname": "another.name"})
