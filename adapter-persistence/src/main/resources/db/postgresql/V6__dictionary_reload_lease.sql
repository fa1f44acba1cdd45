-- Whose turn it is to reload a remote source's dictionary (Xiaoman), among the instances that share
-- this database: claimed for one reload interval by the instance that reloads, never released; it
-- lapses, so that an instance killed mid-reload holds up the next reload by one interval at most.
-- PostgreSQL only: SQLite serves one instance, whose turn it always is.
CREATE TABLE dictionary_reload_lease (
    source     TEXT        NOT NULL PRIMARY KEY,
    holder     TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
