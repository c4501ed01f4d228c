-- Recommendations read each aspect's ranking index (migration 0006) from the top and skip the
-- resources a person is not eligible for: targeted at other departments or offices, at lower
-- scores, past, or due for review. In a large library with many targeted resources that skip
-- visited the table once per skipped resource. These covering versions of the same indexes
-- also hold every column the eligibility rule reads, so PostgreSQL decides from the index
-- alone (an index-only scan) and reads only the few chosen resources from the table.
--
-- Departments and offices are held in the index as small hash keys of their lower-cased names
-- (a list of up to 100 names of 100 characters would not fit in an index entry); the query
-- checks the names themselves again on the chosen rows, so a hash collision cannot recommend
-- a resource to someone it is not for.

CREATE FUNCTION attune_name_keys(names text[]) RETURNS int[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT hashtext(lower(n)) FROM unnest(names) AS n);

ALTER TABLE resources
    ADD COLUMN department_keys int[] GENERATED ALWAYS AS (attune_name_keys(departments)) STORED,
    ADD COLUMN office_keys int[] GENERATED ALWAYS AS (attune_name_keys(offices)) STORED;

-- Same names, keys and partial predicates as before; only the INCLUDE columns are new.
DROP INDEX resources_rank_contagion_idx;
DROP INDEX resources_rank_comprehension_idx;
DROP INDEX resources_rank_arousal_idx;
DROP INDEX resources_rank_altruism_idx;

CREATE INDEX resources_rank_contagion_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    INCLUDE (draft, review_by, event_starts_at, max_total, max_aspect_percent, aspects, department_keys, office_keys)
    WHERE NOT archived AND aspects @> ARRAY['emotional-contagion'];
CREATE INDEX resources_rank_comprehension_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    INCLUDE (draft, review_by, event_starts_at, max_total, max_aspect_percent, aspects, department_keys, office_keys)
    WHERE NOT archived AND aspects @> ARRAY['emotion-comprehension'];
CREATE INDEX resources_rank_arousal_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    INCLUDE (draft, review_by, event_starts_at, max_total, max_aspect_percent, aspects, department_keys, office_keys)
    WHERE NOT archived AND aspects @> ARRAY['sympathetic-arousal'];
CREATE INDEX resources_rank_altruism_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    INCLUDE (draft, review_by, event_starts_at, max_total, max_aspect_percent, aspects, department_keys, office_keys)
    WHERE NOT archived AND aspects @> ARRAY['conspecific-altruism'];
