-- showclear schema version 2: people's credentials, kept out of the ledger.
-- PINs and passwords are stored only as argon2 hashes.

CREATE TABLE credentials (
    production    TEXT NOT NULL REFERENCES productions (slug),
    person        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    PRIMARY KEY (production, person)
);
