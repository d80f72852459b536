-- showclear schema version 3: sign-in sessions and API tokens, kept out of the ledger.
-- Only the SHA-256 of a session or token secret is stored (hex), never the secret.

CREATE TABLE sessions (
    production  TEXT NOT NULL REFERENCES productions (slug),
    id          TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    person      TEXT NOT NULL,
    label       TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT,
    PRIMARY KEY (production, id)
);

CREATE UNIQUE INDEX sessions_by_token_hash ON sessions (token_hash);
