-- HR's Insights: every count moves on once a week, as of the week's start, and the counts of
-- what people do privately (taking the quiz, their plans) only when the change is about at
-- least the threshold of people (src/domain/insights.rs, `count_moves_on`).
--
-- The headline counts become people, not events: "quiz attempts in the last 30 days" went (a
-- rolling window's change says what happened a month ago; the funnel shows this quarter's quiz
-- takers instead), and "resources completed" counts the people who completed at least one.
-- A new week's row starts from the counts shown before it, so the next week compares with them.
-- `counted`: the week's counts have been worked out (once a week, at its first refresh).
ALTER TABLE insight_refreshes DROP COLUMN attempts_30d;
ALTER TABLE insight_refreshes RENAME COLUMN plan_items_done TO completed_resource;
ALTER TABLE insight_refreshes ADD COLUMN counted boolean NOT NULL DEFAULT false;
-- Stored as resources, not people: start again from nothing shown.
UPDATE insight_refreshes SET completed_resource = 0, stale = true;

-- The resource library's engagement counts as HR sees them, the same way: worked out by the
-- scheduler as of the start of the week, each moving on only by the threshold of people (a
-- resource's helpful and not-helpful ratings together). A resource with no row shows none.
CREATE TABLE resource_engagement (
    resource_id uuid PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    saved       bigint NOT NULL CHECK (saved >= 0),
    completed   bigint NOT NULL CHECK (completed >= 0),
    rated       bigint NOT NULL CHECK (rated >= 0),
    helpful     bigint NOT NULL CHECK (helpful >= 0 AND helpful <= rated)
);

-- Challenge participation as HR sees it, the same way: per month, department and office, worked
-- out by the scheduler from the acceptances made before the start of the week; a month moves
-- on only when its change can't point at anyone. It replaces the live tally, which let HR
-- watch one acceptance arrive.
DROP TRIGGER practice_acceptances_participation ON practice_acceptances;
DROP FUNCTION practice_keep_participation();
DROP TABLE practice_participation;
CREATE TABLE practice_participation_shown (
    month       date NOT NULL,
    department  text NOT NULL,
    office      text NOT NULL,
    people      bigint NOT NULL CHECK (people > 0),
    PRIMARY KEY (month, department, office)
);
