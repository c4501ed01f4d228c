-- The baseline quiz (Toronto Empathy Questionnaire) and program settings.
--
-- Raw answers are kept with every attempt together with the computed total and aspect means
-- and the instrument version, so a future change of wording or key never rewrites history.
-- Answers are arrays of 16 values in item order; the checks below make a bad row impossible.

-- Program-wide settings HR can change. Exactly one row.
CREATE TABLE program_settings (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- Days a person waits after an attempt before retaking the quiz.
    retake_interval_days  integer NOT NULL DEFAULT 30 CHECK (retake_interval_days BETWEEN 0 AND 365),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO program_settings DEFAULT VALUES;

-- Answers saved with "Save and continue later": NULL marks an unanswered item.
CREATE TABLE quiz_drafts (
    person_id   uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    answers     smallint[] NOT NULL
                CHECK (array_length(answers, 1) = 16 AND 0 <= ALL (answers) AND 4 >= ALL (answers)),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE quiz_attempts (
    id                    uuid PRIMARY KEY,
    person_id             uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    instrument_version    smallint NOT NULL CHECK (instrument_version >= 1),
    -- One answer (0..4) per item, all 16 present.
    answers               smallint[] NOT NULL
                          CHECK (array_length(answers, 1) = 16
                                 AND array_position(answers, NULL) IS NULL
                                 AND 0 <= ALL (answers) AND 4 >= ALL (answers)),
    total                 smallint NOT NULL CHECK (total BETWEEN 0 AND 64),
    emotional_contagion   double precision NOT NULL CHECK (emotional_contagion BETWEEN 0 AND 4),
    emotion_comprehension double precision NOT NULL CHECK (emotion_comprehension BETWEEN 0 AND 4),
    sympathetic_arousal   double precision NOT NULL CHECK (sympathetic_arousal BETWEEN 0 AND 4),
    conspecific_altruism  double precision NOT NULL CHECK (conspecific_altruism BETWEEN 0 AND 4),
    -- A random key carried by the quiz form: a double click or a resent form inserts nothing new.
    submission_key        uuid NOT NULL,
    taken_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, submission_key)
);

-- A person's attempts, newest first (history, retake check, latest result).
CREATE INDEX quiz_attempts_person_idx ON quiz_attempts (person_id, taken_at DESC);
