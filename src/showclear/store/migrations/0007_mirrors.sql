-- showclear schema version 7: mirrors (issue 18). A production is a mirror iff it has a
-- `mirrors` row: its entries, nodes and checkpoints hold exactly the writer's bytes and
-- checkpoint notes (signed by the production's key, never re-signed here), received by sync
-- and verified before they were stored. Portable SQL: runs on SQLite and PostgreSQL.

-- Where the production is written (`source`: the writer's URL, or 'set'), when it last
-- synced and to what size; only the SHA-256 (hex) of the upload token is kept.
CREATE TABLE mirrors (
    production         TEXT PRIMARY KEY REFERENCES productions (slug),
    source             TEXT NOT NULL,
    synced_at          TEXT,
    synced_size        BIGINT NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    upload_token_hash  TEXT NOT NULL
);

-- A batch refused because it does not extend what the mirror holds: both signed
-- checkpoint notes, kept as evidence of a forked or forged history.
CREATE TABLE mirror_forks (
    production    TEXT NOT NULL REFERENCES productions (slug),
    received_at   TEXT NOT NULL,
    held_note     TEXT NOT NULL,
    offered_note  TEXT NOT NULL,
    detail        TEXT NOT NULL
);

CREATE INDEX mirror_forks_by_time ON mirror_forks (production, received_at);
