-- The last good stage dictionary of a remote source (Xiaoman), as in SQLite's V2.
CREATE TABLE dictionary_snapshot (
    source    TEXT NOT NULL PRIMARY KEY,
    loaded_at TEXT NOT NULL
);

CREATE TABLE dictionary_flow (
    source   TEXT    NOT NULL REFERENCES dictionary_snapshot (source) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    flow_id  TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (source, position)
);

CREATE TABLE dictionary_stage (
    source        TEXT    NOT NULL REFERENCES dictionary_snapshot (source) ON DELETE CASCADE,
    flow_position INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    code          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    stage_rank    INTEGER NOT NULL,
    enabled       INTEGER NOT NULL,
    PRIMARY KEY (source, flow_position, position)
);

CREATE TABLE dictionary_lost_reason (
    source    TEXT    NOT NULL REFERENCES dictionary_snapshot (source) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    reason_id TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    enabled   INTEGER NOT NULL,
    PRIMARY KEY (source, position)
);
