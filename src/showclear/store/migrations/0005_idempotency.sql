-- showclear schema version 5: idempotency keys of writes (issue 15), kept for a bounded time.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. None of it is in the ledger.
-- A write sent with an Idempotency-Key stores the key in the transaction that records it,
-- with the entries it recorded and the answer given; a retry with the same key gets that
-- answer again and records nothing new (docs/api.md, "Retrying safely").

CREATE TABLE idempotency (
    production   TEXT NOT NULL REFERENCES productions (slug),
    person       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    first_index  BIGINT NOT NULL,
    size         BIGINT NOT NULL,
    answer       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (production, person, key)
);

CREATE INDEX idempotency_by_age ON idempotency (production, created_at);
