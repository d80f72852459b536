-- showclear schema version 4: witnesses (C2SP tlog-witness) and their cosignatures.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. None of it is in the ledger:
-- a cosignature is checked against the witness key the policy pins, not trusted as stored.

-- Every verified cosignature line a witness returned for a checkpoint of this size.
CREATE TABLE cosignatures (
    production  TEXT NOT NULL REFERENCES productions (slug),
    size        BIGINT NOT NULL,
    witness     TEXT NOT NULL,
    line        TEXT NOT NULL,
    signed_at   BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (production, size, witness)
);

-- What the production knows of each witness: the size the witness says it holds (the old
-- size of the next request), the largest size it cosigned for us, and its last answer.
CREATE TABLE witness_state (
    production     TEXT NOT NULL REFERENCES productions (slug),
    witness        TEXT NOT NULL,
    known_size     BIGINT NOT NULL DEFAULT 0,
    cosigned_size  BIGINT NOT NULL DEFAULT 0,
    cosigned_at    TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_attempt   TEXT,
    next_attempt   TEXT,
    last_error     TEXT,
    PRIMARY KEY (production, witness)
);

-- Each time a witness refused a checkpoint as inconsistent with what it holds: the
-- evidence of a rewritten or forked history (the request sent, the answer received).
CREATE TABLE witness_refusals (
    production  TEXT NOT NULL REFERENCES productions (slug),
    witness     TEXT NOT NULL,
    at          TEXT NOT NULL,
    status      INTEGER NOT NULL,
    size        BIGINT NOT NULL,
    request     TEXT NOT NULL,
    response    TEXT NOT NULL
);

CREATE INDEX witness_refusals_by_witness ON witness_refusals (production, witness, at);
