-- Peer recognition: nominations for observable behaviour, the wall, moderation, and the
-- weekly rotation of "spotlight nominators".
--
-- Every rule the domain layer checks is backed here so a bug in Rust cannot store an invalid
-- row: no self-nomination, text length, one appreciation per person, one report per person,
-- the same behaviour for the same person by the same nominator at most once in 24 hours
-- (an exclusion constraint), one spotlight round per week.

-- Trigram index for the colleague search (matches any part of a name, e.g. a surname);
-- btree_gist lets the 24-hour exclusion constraint compare uuids with `=`.
-- Both ship with PostgreSQL (contrib) and are "trusted" extensions.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- HR settings for recognition, on the one-row settings table.
ALTER TABLE program_settings
    -- false: nominations appear at once (the default); true: HR approves each one first.
    ADD COLUMN recognition_requires_approval boolean NOT NULL DEFAULT false,
    -- How many nominations one person may make in any 7 days.
    ADD COLUMN recognition_weekly_limit integer NOT NULL DEFAULT 5
        CHECK (recognition_weekly_limit BETWEEN 1 AND 50),
    -- Spotlight nominators invited per department each week (0 turns the rotation off).
    ADD COLUMN spotlight_per_department integer NOT NULL DEFAULT 2
        CHECK (spotlight_per_department BETWEEN 0 AND 20);

-- Colleague search: lower(display_name) LIKE '%query%' over active people.
CREATE INDEX people_name_trgm_idx ON people USING gin (lower(display_name) gin_trgm_ops)
    WHERE active;

-- The behaviours HR curates. Retired behaviours stay attached to old recognitions but can't
-- be chosen any more. `position` orders the list (unique, deferred so two can swap places).
CREATE TABLE recognition_behaviours (
    id          uuid PRIMARY KEY,
    label       text NOT NULL CHECK (length(btrim(label)) BETWEEN 3 AND 120 AND label = btrim(label)),
    position    integer NOT NULL,
    retired     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT recognition_behaviours_position_key UNIQUE (position) DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX recognition_behaviours_label_key ON recognition_behaviours (lower(label));

INSERT INTO recognition_behaviours (id, label, position) VALUES
    (gen_random_uuid(), 'Noticed a colleague was overwhelmed and offered support', 1),
    (gen_random_uuid(), 'Invited input from quieter colleagues', 2),
    (gen_random_uuid(), 'Clarified a misunderstanding', 3),
    (gen_random_uuid(), 'Translated jargon into plain language', 4),
    (gen_random_uuid(), 'Followed through on a commitment', 5),
    (gen_random_uuid(), 'Acknowledged a different perspective', 6),
    (gen_random_uuid(), 'Gave constructive feedback with curiosity', 7),
    (gen_random_uuid(), 'Helped someone from another team', 8);

-- A nomination and, once published, a recognition.
--
-- status: pending (waiting for HR approval), published, rejected (by HR, with a reason the
-- nominator sees), removed (HR took it off the wall after a report).
-- Departments and offices are copied from both people when the nomination is made, so the
-- fairness figures and the cross-team mark describe the moment, not later moves.
CREATE TABLE recognitions (
    id                   uuid PRIMARY KEY,
    nominator_id         uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    recipient_id         uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    story                text NOT NULL CHECK (char_length(story) BETWEEN 50 AND 2000),
    happened_on          date NOT NULL,
    visibility           text NOT NULL CHECK (visibility IN ('wall', 'private')),
    status               text NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'removed')),
    rejection_reason     text CHECK (char_length(rejection_reason) BETWEEN 1 AND 1000),
    reviewed_by          uuid REFERENCES people (id) ON DELETE SET NULL,
    reviewed_at          timestamptz,
    -- The recipient took this public recognition off the wall (consent matters).
    hidden_by_recipient  boolean NOT NULL DEFAULT false,
    -- Someone reported the post: it is off the wall until HR reviews it.
    under_review         boolean NOT NULL DEFAULT false,
    nominator_department text NOT NULL,
    nominator_office     text NOT NULL,
    recipient_department text NOT NULL,
    recipient_office     text NOT NULL,
    cross_team           boolean GENERATED ALWAYS AS (
                             nominator_department <> '' AND recipient_department <> ''
                             AND nominator_department <> recipient_department) STORED,
    -- When the recipient saw it (home page notice), and when the nominator saw HR's decision.
    recipient_seen_at    timestamptz,
    nominator_seen_at    timestamptz,
    -- A random key carried by the form: a double click stores one nomination.
    submission_key       uuid NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (nominator_id, submission_key),
    CONSTRAINT recognitions_not_self CHECK (nominator_id <> recipient_id),
    -- Not in the future (a day of slack for time zones ahead of UTC).
    CONSTRAINT recognitions_happened_past CHECK (happened_on <= (created_at AT TIME ZONE 'UTC')::date + 1),
    CONSTRAINT recognitions_rejection_reason CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL))
);

-- The wall: published, public, not hidden, newest first (with filters by the recipient's
-- department or office).
CREATE INDEX recognitions_wall_idx ON recognitions (created_at DESC, id DESC)
    WHERE status = 'published' AND visibility = 'wall' AND NOT hidden_by_recipient AND NOT under_review;
CREATE INDEX recognitions_wall_department_idx ON recognitions (recipient_department, created_at DESC)
    WHERE status = 'published' AND visibility = 'wall' AND NOT hidden_by_recipient AND NOT under_review;
CREATE INDEX recognitions_wall_office_idx ON recognitions (recipient_office, created_at DESC)
    WHERE status = 'published' AND visibility = 'wall' AND NOT hidden_by_recipient AND NOT under_review;
-- A person's received and given recognitions; the weekly limit counts by nominator.
CREATE INDEX recognitions_recipient_idx ON recognitions (recipient_id, created_at DESC);
CREATE INDEX recognitions_nominator_idx ON recognitions (nominator_id, created_at DESC);
-- Moderation queues and the HR export/fairness figures by date.
CREATE INDEX recognitions_pending_idx ON recognitions (created_at) WHERE status = 'pending';
CREATE INDEX recognitions_review_idx ON recognitions (created_at) WHERE under_review;
CREATE INDEX recognitions_created_idx ON recognitions (created_at);

-- Which behaviours a recognition names. Nominator, recipient and time are copied here so the
-- 24-hour rule can be an exclusion constraint: the same nominator, recipient and behaviour
-- cannot appear in two windows of 24 hours that overlap.
CREATE TABLE recognition_behaviour_links (
    recognition_id  uuid NOT NULL REFERENCES recognitions (id) ON DELETE CASCADE,
    behaviour_id    uuid NOT NULL REFERENCES recognition_behaviours (id),
    nominator_id    uuid NOT NULL,
    recipient_id    uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    -- The end of the 24-hour window (an index expression can't add an interval itself).
    window_ends_at  timestamptz NOT NULL CHECK (window_ends_at = created_at + interval '24 hours'),
    PRIMARY KEY (recognition_id, behaviour_id),
    CONSTRAINT recognition_same_behaviour_24h EXCLUDE USING gist (
        nominator_id WITH =, recipient_id WITH =, behaviour_id WITH =,
        tstzrange(created_at, window_ends_at) WITH &&)
);
-- Filtering the wall by behaviour.
CREATE INDEX recognition_behaviour_links_behaviour_idx ON recognition_behaviour_links (behaviour_id, recognition_id);

-- "Appreciate": one per person per post.
CREATE TABLE recognition_appreciations (
    recognition_id  uuid NOT NULL REFERENCES recognitions (id) ON DELETE CASCADE,
    person_id       uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (recognition_id, person_id)
);

-- Reports of wall posts: one per person per post; resolved when HR reviews the post.
CREATE TABLE recognition_reports (
    recognition_id  uuid NOT NULL REFERENCES recognitions (id) ON DELETE CASCADE,
    reporter_id     uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    PRIMARY KEY (recognition_id, reporter_id)
);

-- Spotlight nominators. A round is claimed once per ISO week (the week's Monday) by whichever
-- replica gets there first; the invitations are written in the same transaction. A second
-- replica computing the same week finds the round taken and writes nothing.
CREATE TABLE spotlight_rounds (
    week_start      date PRIMARY KEY CHECK (extract(isodow FROM week_start) = 1),
    per_department  integer NOT NULL CHECK (per_department BETWEEN 0 AND 20),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE spotlight_invitations (
    week_start  date NOT NULL REFERENCES spotlight_rounds (week_start) ON DELETE CASCADE,
    person_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    department  text NOT NULL,
    PRIMARY KEY (week_start, person_id)
);
-- When each person was last invited (the rotation picks the least recent).
CREATE INDEX spotlight_invitations_person_idx ON spotlight_invitations (person_id, week_start DESC);
