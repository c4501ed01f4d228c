-- HR's Insights over time: the participation funnel by quarter (how many different people took
-- the quiz, saved or completed a resource, went to a story night, recognised someone), worked
-- out by the scheduler with the other Insights figures, so the page reads a few rows.
-- Counts of people only; the page shows a count under the anonymity threshold as "fewer than k".
CREATE TABLE insight_funnel (
    quarter date NOT NULL CHECK (quarter = date_trunc('quarter', quarter)::date),
    stage   text NOT NULL CHECK (stage IN ('quiz', 'resource', 'story_night', 'recognised')),
    people  bigint NOT NULL CHECK (people >= 0),
    PRIMARY KEY (quarter, stage)
);
