-- showclear schema version 8: studio accounts (issue 18 item 4), kept out of every ledger.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.
-- An account signs in to the studio view (GET /studio, GET /api/studio/productions) with a
-- token `showclear studio account add NAME` printed once; only its SHA-256 (hex) is kept.
-- Which productions an account sees is not here: each production's own ledger grants it
-- (StudioAccessGranted / StudioAccessRevoked, the projection's `studio:<account>` record).

CREATE TABLE studio_accounts (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    token_hash  TEXT NOT NULL
);

CREATE UNIQUE INDEX studio_accounts_by_token_hash ON studio_accounts (token_hash);
