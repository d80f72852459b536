"""Reference vectors, each copied from the public test suite named beside it.

Nothing here is computed by showclear: these are the answers other implementations
agree on, so the ledger cannot drift from the standards without a test failing.
"""

from __future__ import annotations

import base64

__all__ = [
    "CONSISTENCY_PROOFS",
    "CT_LEAVES",
    "CT_ROOTS",
    "ENOCH_SIG_LINE",
    "ENOCH_VKEY",
    "INCLUSION_PROOFS",
    "PETER_SIGNED_NOTE",
    "PETER_SIG_LINE",
    "PETER_SKEY",
    "PETER_TEXT",
    "PETER_VKEY",
    "SOME_HASH",
    "seed_of",
]


def _h(text: str) -> bytes:
    return bytes.fromhex(text)


# --- RFC 6962 Merkle tree ---------------------------------------------------------
# Source: github.com/transparency-dev/merkle, proof/verify_test.go (identical in
# log_verifier_test.go; inherited from google/certificate-transparency's
# merkle_tree_test). The eight test leaves, as hex, and the root of each prefix.

CT_LEAVES: list[bytes] = [
    _h(""),
    _h("00"),
    _h("10"),
    _h("2021"),
    _h("3031"),
    _h("40414243"),
    _h("5051525354555657"),
    _h("606162636465666768696a6b6c6d6e6f"),
]

# CT_ROOTS[n] is the root of the tree over CT_LEAVES[:n]. Index 0 is the empty tree,
# SHA-256("") (sha256EmptyTreeHash in the same file); 1..8 are its `roots` list.
CT_ROOTS: list[bytes] = [
    _h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    _h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    _h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    _h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    _h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    _h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    _h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    _h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    _h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# `inclusionProofs` of the same file, as (0-based index, tree size, audit path).
# Go writes the leaf 1-based ({1, 8, ...} is index 0); its {0, 0, nil} entry is
# the invalid path the Go test skips, and is covered by the rejection tests here.
INCLUSION_PROOFS: list[tuple[int, int, list[bytes]]] = [
    (0, 1, []),
    (
        0,
        8,
        [
            _h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            _h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            _h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            _h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            _h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            _h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        3,
        [_h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")],
    ),
    (
        1,
        5,
        [
            _h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            _h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            _h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# `consistencyProofs` of the same file, as (old size, new size, proof).
CONSISTENCY_PROOFS: list[tuple[int, int, list[bytes]]] = [
    (1, 1, []),
    (
        1,
        8,
        [
            _h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            _h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            _h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            _h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            _h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            _h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            _h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            _h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            _h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            _h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            _h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

# sha256SomeHash of the same file: a well-formed hash that is in no tree.
SOME_HASH = _h("abacaba000000000000000000000000000000000000000000060061e00123456")

# --- C2SP signed note -------------------------------------------------------------
# Source: golang.org/x/mod, sumdb/note/note_test.go (TestNewVerifier, TestNewSigner,
# TestSign, TestOpen).

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG_LINE = (
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
PETER_SIGNED_NOTE = PETER_TEXT + "\n" + PETER_SIG_LINE

ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
ENOCH_SIG_LINE = (
    "— EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)


def seed_of(private_key_string: str) -> bytes:
    """Return the raw Ed25519 seed inside a Go-format private key string."""
    # PRIVATE+KEY+<name>+<key id>+<base64>; the base64 part may itself hold '+'.
    blob = base64.b64decode(private_key_string.split("+", 4)[4])
    assert blob[0] == 0x01
    return blob[1:]
