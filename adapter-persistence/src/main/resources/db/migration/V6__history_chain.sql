-- The change history as a chain (docs/decisions.md, "history as a chain"): each record points to
-- the one before it of the same opportunity (`previous`), each opportunity to its newest record
-- (`history_head`). A trigger keeps both as records are inserted, so that an insert touches only
-- the table's last page and the opportunity's own row, already written by the same change — the
-- unique index (opportunity_id, version) it replaces put every insert on a page of its own,
-- scattered over the index (the most of what history cost an update). The newest page of an
-- opportunity follows `history_head` and `previous`: one read by key a record, however long its
-- history. A page further back starts at the nearest milestone (a version divisible by 64) at or
-- above it, found in a partial index that only one insert in 64 touches, and walks fewer than 64
-- records down to it.
ALTER TABLE opportunity ADD COLUMN history_head INTEGER;

ALTER TABLE opportunity_history ADD COLUMN previous INTEGER;

UPDATE opportunity_history
   SET previous = (SELECT p.id FROM opportunity_history p
                    WHERE p.opportunity_id = opportunity_history.opportunity_id
                      AND p.version < opportunity_history.version
                    ORDER BY p.version DESC LIMIT 1);

UPDATE opportunity
   SET history_head = (SELECT h.id FROM opportunity_history h
                        WHERE h.opportunity_id = opportunity.id
                        ORDER BY h.version DESC LIMIT 1);

CREATE INDEX opportunity_history_milestone ON opportunity_history (opportunity_id, version)
 WHERE version % 64 = 0;

DROP INDEX opportunity_history_version;

-- An insert that names no previous record (the import's, or any by hand) gets the head; the
-- writer's names it itself (one update fewer a change). Then the head moves to the new record.
CREATE TRIGGER opportunity_history_chain AFTER INSERT ON opportunity_history
BEGIN
  UPDATE opportunity_history
     SET previous = (SELECT history_head FROM opportunity WHERE id = NEW.opportunity_id)
   WHERE NEW.previous IS NULL AND id = NEW.id;
  UPDATE opportunity SET history_head = NEW.id WHERE id = NEW.opportunity_id;
END;
