-- The change history (CONTRACT.md §5.2): one row per change of an opportunity, written in the
-- same transaction as the change. Keyed and clustered by (opportunity, version), so the newest page
-- of one opportunity is a range read however long its history; `at` (fixed-width UTC text, as in
-- `opportunity`) is indexed for the retention's pruning. `changes` is a JSON object:
-- {"field": {"from": canonical value or null, "to": …}, …}.
CREATE TABLE opportunity_history (
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id),
    version        INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    caller         TEXT    NOT NULL,
    request_id     TEXT,
    source         TEXT    NOT NULL,
    changes        TEXT    NOT NULL,
    PRIMARY KEY (opportunity_id, version)
) WITHOUT ROWID;

CREATE INDEX opportunity_history_at ON opportunity_history (at);
