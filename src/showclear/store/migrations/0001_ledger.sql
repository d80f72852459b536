-- showclear schema version 1: the ledger, its tree and its checkpoints.
-- Portable SQL: the same file runs on SQLite and PostgreSQL.

CREATE TABLE productions (
    slug          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    origin        TEXT NOT NULL UNIQUE,
    verifier_key  TEXT NOT NULL,
    size          BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- One row per ledger entry: the exact bytes that were hashed, and their leaf hash.
CREATE TABLE entries (
    production  TEXT NOT NULL REFERENCES productions (slug),
    idx         BIGINT NOT NULL,
    data        BYTEA NOT NULL,
    leaf_hash   BYTEA NOT NULL,
    PRIMARY KEY (production, idx)
);

-- Hashes of complete subtrees above the leaves: (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Level 0 lives in entries.leaf_hash.
CREATE TABLE nodes (
    production  TEXT NOT NULL REFERENCES productions (slug),
    level       INTEGER NOT NULL,
    idx         BIGINT NOT NULL,
    hash        BYTEA NOT NULL,
    PRIMARY KEY (production, level, idx)
);

-- Every signed checkpoint note, by the tree size it commits to.
CREATE TABLE checkpoints (
    production  TEXT NOT NULL REFERENCES productions (slug),
    size        BIGINT NOT NULL,
    note        TEXT NOT NULL,
    PRIMARY KEY (production, size)
);

-- The current state derived from the ledger, one JSON record per key.
CREATE TABLE projection (
    production  TEXT NOT NULL REFERENCES productions (slug),
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (production, key)
);
