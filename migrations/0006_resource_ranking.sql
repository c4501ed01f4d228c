-- Fast recommendation candidates on a large library.
--
-- Recommendations read, for each of the person's aspects in weakest-first order, the first
-- few eligible resources in ranking order: targeted resources first (the most specific
-- match), then those focused on fewer aspects, then the newest. Stored generated columns hold
-- the ranking keys, and one partial index per aspect returns resources already in that order,
-- so each aspect costs a short index range scan instead of sorting every matching resource.

ALTER TABLE resources
    ADD COLUMN focus boolean GENERATED ALWAYS AS (
        max_aspect_percent IS NOT NULL OR max_total IS NOT NULL
        OR cardinality(departments) > 0 OR cardinality(offices) > 0
    ) STORED,
    ADD COLUMN aspect_count integer GENERATED ALWAYS AS (cardinality(aspects)) STORED;

CREATE INDEX resources_rank_contagion_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    WHERE NOT archived AND aspects @> ARRAY['emotional-contagion'];
CREATE INDEX resources_rank_comprehension_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    WHERE NOT archived AND aspects @> ARRAY['emotion-comprehension'];
CREATE INDEX resources_rank_arousal_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    WHERE NOT archived AND aspects @> ARRAY['sympathetic-arousal'];
CREATE INDEX resources_rank_altruism_idx ON resources (focus DESC, aspect_count, created_at DESC, id)
    WHERE NOT archived AND aspects @> ARRAY['conspecific-altruism'];

-- The GIN index is no longer needed for recommendations.
DROP INDEX resources_aspects_idx;
