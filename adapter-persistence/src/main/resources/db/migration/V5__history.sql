-- The change history (CONTRACT.md §5.2): one row per change of an opportunity, written in the
-- same transaction as the change. Rows are appended in the order written (rowid), so an insert
-- fills the table's last page instead of splitting a page of one opportunity's records; the narrow
-- unique index (opportunity, version) makes the newest page of one opportunity a range read however
-- long its history, and `at` (fixed-width UTC text, as in `opportunity`) is indexed for the
-- retention's pruning (it grows with time: appended too). `changes` is a JSON object:
-- {"field": {"from": canonical value or null, "to": …}, …}.
CREATE TABLE opportunity_history (
    id             INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunity (id),
    version        INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    caller         TEXT    NOT NULL,
    request_id     TEXT,
    source         TEXT    NOT NULL,
    changes        TEXT    NOT NULL
);

CREATE UNIQUE INDEX opportunity_history_version ON opportunity_history (opportunity_id, version);

CREATE INDEX opportunity_history_at ON opportunity_history (at);
