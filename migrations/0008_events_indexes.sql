-- Story nights: indexes that keep the events list and its office choices cheap however much
-- history builds up (see db::events::list and db::events::offices).

-- The upcoming and past lists filtered by office: "ends_at > now" (upcoming, then sorted by
-- start, a handful of rows) and "ends_at <= now ORDER BY ends_at DESC, id" (past, read in index
-- order). Each page reads one range of this index. It replaces events_office_idx
-- (office, starts_at), which made the upcoming list of an office read every event that office
-- ever had. Unfiltered lists use events_ends_idx (ends_at DESC, id) from 0004 the same way.
CREATE INDEX events_office_ends_idx ON events (office, ends_at DESC, id) WHERE office <> '';
DROP INDEX events_office_idx;

-- The offices of active people, for the office filter and the event form's suggestions. Read
-- by a loose index scan: one index-only probe per distinct office, not a scan of everyone.
CREATE INDEX people_active_office_idx ON people (office) WHERE active AND office <> '';
