-- The retention prunes SQLite's history in the order its records were written (by id), not through
-- an index on `at` (docs/decisions.md, "Retention"): every change of an opportunity appended an entry
-- to that index, and SQLite splits an index's last leaf with its neighbours, so that the index
-- wrote about five pages to the WAL per group commit of 64 changes — a sixth of what history costs
-- a change in bytes synced (docs/performance.md, "history costs little"). A chunk of the retention
-- now reads at most its size of records from the oldest id on and deletes those made before the
-- cut-off.
DROP INDEX opportunity_history_at;
