-- The settings a saved dictionary was fetched with, as in SQLite's V8: instances that share this
-- database with other XIAOMAN_* settings see that the saved snapshot is not theirs. NULL: saved
-- before this version (or by an instance of an older version).
ALTER TABLE dictionary_snapshot ADD COLUMN settings TEXT;
