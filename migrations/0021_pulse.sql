-- Pulse checks: short, repeated, anonymous surveys HR sends to everyone or to some
-- departments or offices; and the anonymity threshold as a setting.
--
-- Anonymous by construction. Who answered (`pulse_answered`) and what was answered
-- (`pulse_answers`) are two tables with nothing in common but the round:
--   * no foreign key, column or shared key links an answer to a person or to an answered
--     record; both use random UUIDs or (round, person) keys, never serial ids;
--   * neither has a timestamp: the finest time either holds is the round;
--   * while a round is open, an answer row carries `answer_key`, a keyed hash
--     HMAC-SHA256(pulse key, person id, round id) so the same person can change their answer
--     from any device. The pulse key lives outside the database (ATTUNE_PULSE_KEY or a key
--     file), so the database alone cannot recompute it for anyone;
--   * when a round closes, its answers and answered records are rewritten in random order
--     with fresh ids and without `answer_key`, so afterwards not even the pulse key links an
--     answer to anyone, and the results are worked out once into `pulse_results`.

-- ---------------------------------------------------------------------------------------
-- The fewest people a figure shown to HR may be about (default 5, never below 3).
ALTER TABLE program_settings
    ADD COLUMN anonymity_threshold integer NOT NULL DEFAULT 5
        CHECK (anonymity_threshold BETWEEN 3 AND 100);

-- ---------------------------------------------------------------------------------------
CREATE TABLE pulses (
    id              uuid PRIMARY KEY,
    title           text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
    -- 2 to 6 statements answered on a five-point agree scale.
    statements      text[] NOT NULL
        CHECK (cardinality(statements) BETWEEN 2 AND 6
               AND array_position(statements, NULL) IS NULL),
    -- An optional free-text question ('' for none).
    comment_question text NOT NULL DEFAULT '' CHECK (char_length(comment_question) <= 300),
    -- Who is asked: everyone, or the people of some departments, or of some offices (by
    -- their department or office when they answer).
    audience        text NOT NULL CHECK (audience IN ('everyone', 'departments', 'offices')),
    audience_groups text[] NOT NULL DEFAULT '{}',
    -- 'once', or a new round of the same questions every month or quarter.
    repeats         text NOT NULL CHECK (repeats IN ('once', 'monthly', 'quarterly')),
    -- The first round's dates (UTC days, both included); later rounds move by the period.
    first_opens_on  date NOT NULL,
    first_closes_on date NOT NULL,
    -- Everyone (not only HR) may see the results.
    results_public  boolean NOT NULL DEFAULT false,
    -- No further rounds are opened.
    stopped         boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((audience = 'everyone') = (cardinality(audience_groups) = 0)),
    CHECK (first_closes_on >= first_opens_on AND first_closes_on <= first_opens_on + 27)
);

CREATE INDEX pulses_created_idx ON pulses (created_at DESC, id);
-- The scheduler looks for pulses that may need a round.
CREATE INDEX pulses_running_idx ON pulses (first_opens_on) WHERE NOT stopped;

-- One round of a pulse. The scheduler opens it on its day (the unique number makes several
-- replicas open it once) and closes it after its last day; HR may close it early.
CREATE TABLE pulse_rounds (
    id        uuid PRIMARY KEY,
    pulse_id  uuid NOT NULL REFERENCES pulses (id) ON DELETE CASCADE,
    number    integer NOT NULL CHECK (number >= 1),
    opens_on  date NOT NULL,
    closes_on date NOT NULL CHECK (closes_on >= opens_on),
    open      boolean NOT NULL DEFAULT true,
    -- People in the audience when the round opened (for the response rate).
    invited   integer NOT NULL DEFAULT 0 CHECK (invited >= 0),
    UNIQUE (pulse_id, number)
);

CREATE INDEX pulse_rounds_open_idx ON pulse_rounds (closes_on) WHERE open;

-- Who has answered a round: nothing about what, and no time but the round's.
CREATE TABLE pulse_answered (
    round_id  uuid NOT NULL REFERENCES pulse_rounds (id) ON DELETE CASCADE,
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, person_id)
);

-- What was answered: nothing about who, beyond the department and office the answer counts
-- in (shown only for groups of at least the anonymity threshold).
CREATE TABLE pulse_answers (
    id         uuid PRIMARY KEY,
    round_id   uuid NOT NULL REFERENCES pulse_rounds (id) ON DELETE CASCADE,
    -- HMAC-SHA256(pulse key, person id, round id) while the round is open; NULL once closed.
    answer_key bytea CHECK (answer_key IS NULL OR length(answer_key) = 32),
    -- One answer per statement, 1 (strongly disagree) to 5 (strongly agree).
    scores     smallint[] NOT NULL
        CHECK (cardinality(scores) BETWEEN 2 AND 6 AND 1 <= ALL (scores) AND 5 >= ALL (scores)),
    comment    text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 1000),
    department text NOT NULL,
    office     text NOT NULL,
    UNIQUE (round_id, answer_key)
);

-- Comments of a round in a stable random order (the ids are random), a page at a time.
CREATE INDEX pulse_answers_comments_idx ON pulse_answers (round_id, id) WHERE comment <> '';

-- A closed round's figures, worked out once when it closes: per group, how many answered
-- and, per statement, how many chose each of the five points (statement-major, 5 per
-- statement). Pages read these rows, never the answers.
CREATE TABLE pulse_results (
    round_id    uuid NOT NULL REFERENCES pulse_rounds (id) ON DELETE CASCADE,
    grouping    text NOT NULL CHECK (grouping IN ('everyone', 'department', 'office')),
    label       text NOT NULL,
    respondents integer NOT NULL CHECK (respondents >= 0),
    comments    integer NOT NULL CHECK (comments >= 0),
    counts      integer[] NOT NULL,
    PRIMARY KEY (round_id, grouping, label)
);
