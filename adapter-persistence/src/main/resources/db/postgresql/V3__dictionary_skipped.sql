-- What a remote source offered that its saved snapshot leaves out, as in SQLite's V3.
CREATE TABLE dictionary_skipped (
    source   TEXT    NOT NULL REFERENCES dictionary_snapshot (source) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item     TEXT    NOT NULL,
    PRIMARY KEY (source, position)
);
