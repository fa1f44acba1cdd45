-- CONTRACT §5.6: the lost reason (输单原因) of an opportunity, the id of a lost reason of the
-- dictionary in force. Rows stored before read back with none (NULL).
ALTER TABLE opportunity ADD COLUMN lost_reason TEXT;
