-- CONTRACT §5.6: the lost reason (输单原因) of an opportunity, as in SQLite's V4.
ALTER TABLE opportunity ADD COLUMN lost_reason TEXT;
