-- The writer keeps the chain of migration V6 itself: its record names the opportunity's newest
-- record as `previous`, and the change's own UPDATE of the opportunity row moves `history_head` to
-- the record (docs/decisions.md, "history as a chain"). V6's trigger did both for every insert: a
-- second write of the row the change had just written, and a look-up of the record just inserted.
-- It now runs only for an insert that names no previous record (the import's, or one by hand).
DROP TRIGGER opportunity_history_chain;

CREATE TRIGGER opportunity_history_chain AFTER INSERT ON opportunity_history
  WHEN NEW.previous IS NULL
BEGIN
  UPDATE opportunity_history
     SET previous = (SELECT history_head FROM opportunity WHERE id = NEW.opportunity_id)
   WHERE id = NEW.id;
  UPDATE opportunity SET history_head = NEW.id WHERE id = NEW.opportunity_id;
END;
