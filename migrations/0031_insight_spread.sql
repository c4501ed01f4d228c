-- HR's Insights, more figures worked out by the scheduler each week.
--
-- How everyone's latest quiz totals are spread, and how much they moved for people
-- who took the quiz more than once. Worked out by the scheduler with the week's other figures.
-- `spread` holds how many people's latest total falls in each 4-point range (0–3, 4–7, ...,
-- 60–64), counts only; the page merges neighbouring ranges until each holds at least the
-- anonymity threshold. `retakers` and the `change_*` averages are over people with at least two
-- results (first to latest), shown only when `retakers` reaches the threshold.
ALTER TABLE insight_refreshes
    ADD COLUMN spread      bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN retakers    bigint NOT NULL DEFAULT 0,
    ADD COLUMN change_total double precision NOT NULL DEFAULT 0,
    ADD COLUMN change_ec   double precision NOT NULL DEFAULT 0,
    ADD COLUMN change_comp double precision NOT NULL DEFAULT 0,
    ADD COLUMN change_sym  double precision NOT NULL DEFAULT 0,
    ADD COLUMN change_alt  double precision NOT NULL DEFAULT 0;

-- Story nights by office (or online) that ended in the year before the figures were worked
-- out: counts over events, RSVPs and pitches, no row about a person. `people` is how many
-- different people had a seat; the page shows an office's figures only from the threshold.
CREATE TABLE insight_story_nights (
    week           date NOT NULL REFERENCES insight_refreshes (week) ON DELETE CASCADE,
    office         text NOT NULL,
    nights         bigint NOT NULL,
    people         bigint NOT NULL,
    seats          bigint NOT NULL,
    seats_recorded bigint NOT NULL,
    attended       bigint NOT NULL,
    full_nights    bigint NOT NULL,
    left_waiting   bigint NOT NULL,
    pitches        bigint NOT NULL,
    PRIMARY KEY (week, office)
);

-- Recognition over time and across teams: published recognitions per behaviour in each of the
-- last four quarters, and per pair of departments (who recognised whom, by the departments both
-- had when it was made) in the last 90 days. Counts of recognitions only.
CREATE TABLE insight_behaviours (
    quarter      date NOT NULL CHECK (quarter = date_trunc('quarter', quarter)::date),
    behaviour    text NOT NULL,
    recognitions bigint NOT NULL CHECK (recognitions >= 0),
    PRIMARY KEY (quarter, behaviour)
);

CREATE TABLE insight_recognition_pairs (
    from_department text NOT NULL,
    to_department   text NOT NULL,
    recognitions    bigint NOT NULL CHECK (recognitions >= 0),
    PRIMARY KEY (from_department, to_department)
);

-- Resources by aspect and by kind: how many different people saved one to their plan (done
-- ones included), completed one, and rated one helpful. Counts of people only; the page shows a
-- count under the threshold as "fewer than k".
CREATE TABLE insight_resources (
    grouping  text NOT NULL CHECK (grouping IN ('aspect', 'kind')),
    -- The aspect's or the kind's slug.
    label     text NOT NULL,
    saved     bigint NOT NULL CHECK (saved >= 0),
    completed bigint NOT NULL CHECK (completed >= 0),
    helpful   bigint NOT NULL CHECK (helpful >= 0),
    PRIMARY KEY (grouping, label)
);
