-- The first statement works, the second fails: the migration must leave nothing behind.
CREATE TABLE half_table (id INTEGER PRIMARY KEY);
INSERT INTO no_such_table (id) VALUES (1);
