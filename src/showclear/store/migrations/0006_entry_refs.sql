-- showclear schema version 6: entries indexed by the weapons, lots, people and storage
-- they name (issue 17), so that a question about one thing reads only its entries.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Derived from the ledger:
-- filled as entries are appended, back-filled once for the entries already stored when
-- this migration is applied (store/sql.py, after_migration), rebuilt by
-- `showclear repair index` and checked by `showclear check`. What an entry names is
-- read from its own fields (store/refs.py). The comment /*WITHOUT ROWID*/ becomes that
-- clause on SQLite (its rows then live in the primary key's B-tree, written once).

CREATE TABLE entry_refs (
    production  TEXT NOT NULL REFERENCES productions (slug),
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    idx         BIGINT NOT NULL,
    PRIMARY KEY (production, kind, ref, idx)
) /*WITHOUT ROWID*/;
