-- What a remote source offered that its saved snapshot leaves out (a flow without stages, a stage
-- of an unknown type …), one readable line each, so that /health shows it after a restart too.
CREATE TABLE dictionary_skipped (
    source   TEXT    NOT NULL REFERENCES dictionary_snapshot (source) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item     TEXT    NOT NULL,
    PRIMARY KEY (source, position)
);
