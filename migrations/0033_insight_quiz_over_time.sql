-- HR's Insights: everyone's latest quiz results as they stood at the start of each of the last
-- four quarters, beside this week's, and what of the quiz figures may be shown together.
--
-- Sums and differences of the quiz figures can be about fewer people than any one figure (a
-- department minus an office, this week minus the start of the quarter). The scheduler decides
-- what is shown when it works the figures out (src/domain/quiz_disclosure.rs), for the anonymity
-- threshold of that moment, and stores the decision beside the figures; the page shows only what
-- was decided for the threshold in force.
ALTER TABLE insight_refreshes
    ADD COLUMN audit_threshold integer NOT NULL DEFAULT 0,
    ADD COLUMN change_shown boolean NOT NULL DEFAULT false;
ALTER TABLE insight_groups
    ADD COLUMN shown boolean NOT NULL DEFAULT false;

-- One row per point in time: how many people had a counted result before it, and the averages
-- of their latest results (no row about a person).
CREATE TABLE insight_quiz_points (
    week       date NOT NULL REFERENCES insight_refreshes (week) ON DELETE CASCADE,
    as_of      date NOT NULL,
    people     bigint NOT NULL CHECK (people >= 0),
    mean_total double precision NOT NULL,
    ec         double precision NOT NULL,
    comp       double precision NOT NULL,
    sym        double precision NOT NULL,
    alt        double precision NOT NULL,
    shown      boolean NOT NULL,
    PRIMARY KEY (week, as_of)
);

-- Work the figures out again at the scheduler's next turn, with the decision.
UPDATE insight_refreshes SET stale = true;
