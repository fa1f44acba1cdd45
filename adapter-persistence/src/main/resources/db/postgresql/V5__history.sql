-- The change history (CONTRACT.md §5.2), as in SQLite's V5: one row per change, written in the
-- same transaction as the change, keyed by (opportunity, version); `at` indexed for the
-- retention's pruning. `changes` stays text (not jsonb, which would reorder the fields).
CREATE TABLE opportunity_history (
    opportunity_id BIGINT  NOT NULL REFERENCES opportunity (id),
    version        BIGINT  NOT NULL,
    at             TEXT    NOT NULL,
    caller         TEXT    NOT NULL,
    request_id     TEXT,
    source         TEXT    NOT NULL,
    changes        TEXT    NOT NULL,
    PRIMARY KEY (opportunity_id, version)
);

CREATE INDEX opportunity_history_at ON opportunity_history (at);
