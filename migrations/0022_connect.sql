-- Connecting across teams (issue 16): conversation pairs and peer learning circles.
--
-- Privacy: who was paired with whom, and what a circle wrote, is read only by the people in
-- the pair or circle (the queries in src/db/connect/ always filter by the reader). HR sees
-- only the per-round and per-programme counts kept beside them, under the anonymity threshold.

-- ---------------------------------------------------------------------------------------
-- Conversation pairs

-- HR's choices (one row): whether pairs must cross departments, and for how many weekly
-- rounds the same two people are not paired again.
CREATE TABLE connect_settings (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    cross_team_only  boolean NOT NULL DEFAULT false,
    no_repeat_rounds integer NOT NULL DEFAULT 12 CHECK (no_repeat_rounds BETWEEN 1 AND 104),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO connect_settings DEFAULT VALUES;

-- Who takes part: how often (every 1, 2 or 4 weeks), how (in person or by video), whether
-- paused, and the first weekly round they are due in. Leaving deletes the row.
CREATE TABLE pair_participants (
    person_id     uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    cadence_weeks smallint NOT NULL CHECK (cadence_weeks IN (1, 2, 4)),
    mode          text NOT NULL CHECK (mode IN ('in_person', 'video')),
    paused        boolean NOT NULL DEFAULT false,
    next_due      date NOT NULL CHECK (extract(isodow FROM next_due) = 1),
    joined_at     timestamptz NOT NULL DEFAULT now()
);
-- The round reads only the people due, never the paused.
CREATE INDEX pair_participants_due_idx ON pair_participants (next_due) WHERE NOT paused;

-- One row per weekly round (Monday, UTC): the unique claim that makes several replicas draw
-- it once, the seed that makes it reproducible, and the counts HR sees (kept up to date as
-- people mark their conversations, so HR's page reads a handful of rows).
CREATE TABLE pair_rounds (
    week_start    date PRIMARY KEY CHECK (extract(isodow FROM week_start) = 1),
    seed          bigint NOT NULL,
    -- people taking part (not paused) and paused when the round was drawn
    participants  integer NOT NULL DEFAULT 0 CHECK (participants >= 0),
    paused        integer NOT NULL DEFAULT 0 CHECK (paused >= 0),
    due           integer NOT NULL DEFAULT 0 CHECK (due >= 0),
    placed        integer NOT NULL DEFAULT 0 CHECK (placed >= 0 AND placed <= due),
    groups        integer NOT NULL DEFAULT 0 CHECK (groups >= 0),
    happened      integer NOT NULL DEFAULT 0 CHECK (happened >= 0 AND happened <= groups),
    skipped       integer NOT NULL DEFAULT 0 CHECK (skipped >= 0 AND skipped <= groups),
    drawn_at      timestamptz NOT NULL DEFAULT now()
);

-- A pair (or, once a round with an odd number, a group of three).
CREATE TABLE pair_groups (
    id               uuid PRIMARY KEY,
    week_start       date NOT NULL REFERENCES pair_rounds (week_start) ON DELETE CASCADE,
    mode             text NOT NULL CHECK (mode IN ('in_person', 'video')),
    size             smallint NOT NULL CHECK (size IN (2, 3)),
    -- set by the first member who marks it happened (or skipped); counted once in pair_rounds
    outcome          text CHECK (outcome IN ('happened', 'skipped')),
    marked_at        timestamptz,
    -- "You're paired with ..." and the gentle reminder, each claimed once across replicas
    announced_at     timestamptz,
    reminder_sent_at timestamptz,
    CHECK ((outcome IS NULL) = (marked_at IS NULL))
);
-- The reminder job reads groups of recent rounds with nothing marked.
CREATE INDEX pair_groups_unannounced_idx ON pair_groups (week_start) WHERE announced_at IS NULL;
CREATE INDEX pair_groups_unmarked_idx ON pair_groups (week_start)
    WHERE outcome IS NULL AND reminder_sent_at IS NULL;

CREATE TABLE pair_members (
    group_id   uuid NOT NULL REFERENCES pair_groups (id) ON DELETE CASCADE,
    person_id  uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    week_start date NOT NULL,
    PRIMARY KEY (group_id, person_id),
    -- nobody is in two groups of one round
    CONSTRAINT pair_members_one_group_per_round UNIQUE (person_id, week_start)
);
-- A person's current and past pairs, newest first; the recent pairs a round must avoid.
CREATE INDEX pair_members_week_idx ON pair_members (week_start, group_id);

-- ---------------------------------------------------------------------------------------
-- Peer learning circles

-- A programme HR or an organizer opens: a theme, the circle size (4 to 6), whether circles
-- must mix departments, the sign-up window, and (once formed) when circles were formed.
CREATE TABLE circle_programmes (
    id               uuid PRIMARY KEY,
    theme            text NOT NULL CHECK (length(theme) BETWEEN 1 AND 120),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    circle_size      smallint NOT NULL CHECK (circle_size BETWEEN 4 AND 6),
    cross_functional boolean NOT NULL,
    signup_opens_on  date NOT NULL,
    signup_closes_on date NOT NULL CHECK (signup_closes_on >= signup_opens_on),
    time_zone        text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    created_by       uuid REFERENCES people (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    formed_at        timestamptz,
    -- counts HR sees (kept with each change, never recounted from members)
    signed_up        integer NOT NULL DEFAULT 0 CHECK (signed_up >= 0),
    placed           integer NOT NULL DEFAULT 0 CHECK (placed >= 0),
    circles          integer NOT NULL DEFAULT 0 CHECK (circles >= 0),
    left_early       integer NOT NULL DEFAULT 0 CHECK (left_early >= 0)
);
CREATE INDEX circle_programmes_recent_idx ON circle_programmes (signup_closes_on DESC, id);

-- The programme's sessions, numbered from 1, each on a date and time (UTC).
CREATE TABLE circle_sessions (
    id           uuid PRIMARY KEY,
    programme_id uuid NOT NULL REFERENCES circle_programmes (id) ON DELETE CASCADE,
    number       smallint NOT NULL CHECK (number BETWEEN 1 AND 12),
    starts_at    timestamptz NOT NULL,
    minutes      smallint NOT NULL CHECK (minutes BETWEEN 15 AND 240),
    UNIQUE (programme_id, number)
);

CREATE TABLE circle_signups (
    programme_id uuid NOT NULL REFERENCES circle_programmes (id) ON DELETE CASCADE,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    signed_up_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, person_id)
);
CREATE INDEX circle_signups_person_idx ON circle_signups (person_id);

CREATE TABLE circles (
    id           uuid PRIMARY KEY,
    programme_id uuid NOT NULL REFERENCES circle_programmes (id) ON DELETE CASCADE,
    number       smallint NOT NULL CHECK (number >= 1),
    -- set when the organizer merged its members into the programme's other circles
    merged_at    timestamptz,
    UNIQUE (programme_id, number)
);

CREATE TABLE circle_members (
    circle_id    uuid NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    programme_id uuid NOT NULL REFERENCES circle_programmes (id) ON DELETE CASCADE,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    joined_at    timestamptz NOT NULL DEFAULT now(),
    left_at      timestamptz,
    PRIMARY KEY (circle_id, person_id)
);
-- A person is in at most one circle of a programme at a time.
CREATE UNIQUE INDEX circle_members_one_circle ON circle_members (programme_id, person_id)
    WHERE left_at IS NULL;
CREATE INDEX circle_members_person_idx ON circle_members (person_id) WHERE left_at IS NULL;

-- The after-action review of one session by one circle: what happened, what members learned
-- about each other's roles, what they'll try. One per circle and session; members edit it.
CREATE TABLE circle_reviews (
    circle_id    uuid NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    session_id   uuid NOT NULL REFERENCES circle_sessions (id) ON DELETE CASCADE,
    what_happened text NOT NULL CHECK (length(what_happened) BETWEEN 1 AND 4000),
    roles_learned text NOT NULL CHECK (length(roles_learned) <= 4000),
    will_try      text NOT NULL CHECK (length(will_try) <= 4000),
    written_by   uuid REFERENCES people (id) ON DELETE SET NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (circle_id, session_id)
);

-- Notes members leave for each other, newest first.
CREATE TABLE circle_notes (
    id         uuid PRIMARY KEY,
    circle_id  uuid NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    author_id  uuid REFERENCES people (id) ON DELETE SET NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX circle_notes_circle_idx ON circle_notes (circle_id, created_at DESC, id);
