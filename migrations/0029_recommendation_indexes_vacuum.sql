-- no-transaction
-- Migration 0028 rewrote the resources table (two generated columns). VACUUM marks its pages
-- all-visible again, so the covering ranking indexes are read without visiting the table, and
-- ANALYZE gives the planner the new columns' statistics. The table is small (a library), so
-- this takes a moment; VACUUM cannot run inside a transaction, hence its own migration.
VACUUM (ANALYZE) resources;
