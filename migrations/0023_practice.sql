-- Practice between the big moments (issue 17): perspective exercises with private
-- reflections and an anonymous takeaway board, colleagues' "what you don't see about my work"
-- stories, monthly kindness challenges, and a private journal.
--
-- Privacy by construction:
-- - reflections and journal entries belong to one person (ON DELETE CASCADE with them) and no
--   page shows them to anyone else;
-- - a takeaway row holds only the exercise and the words: no author, no time, a random id; who
--   has added a takeaway is kept apart (practice_takeaway_givers), like a ballot and a roll;
-- - HR sees challenge participation only as counts per month and group, read from a tally
--   (practice_participation) kept by a trigger, and only for groups of at least 5 people.

-- An exercise is a resource of kind 'exercise', so the library, recommendations (matched to
-- weak aspects, with the reason), plans ("done") and engagement counts treat it like any
-- other. Its page lives in Attune: its link is its own path, the one local link allowed.
ALTER TABLE resources DROP CONSTRAINT resources_url_check;
ALTER TABLE resources ADD CONSTRAINT resources_url_check CHECK (
    (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000)
    OR url = '/practice/exercises/' || id::text
);

-- "What you don't see about my work": a colleague's story, waiting for HR, published as an
-- exercise or declined (with a reason the author sees). The author's own (erased with them).
CREATE TABLE practice_role_stories (
    id              uuid PRIMARY KEY,
    person_id       uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body            text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    -- Whether the published exercise names the author (their name and department).
    named           boolean NOT NULL,
    status          text NOT NULL DEFAULT 'submitted'
                    CHECK (status IN ('submitted', 'published', 'declined')),
    decline_reason  text NOT NULL DEFAULT '' CHECK (length(decline_reason) <= 1000),
    submitted_at    timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    CHECK ((status = 'submitted') = (decided_at IS NULL)),
    CHECK (status = 'declined' OR decline_reason = '')
);
CREATE INDEX practice_role_stories_person_idx ON practice_role_stories (person_id, submitted_at DESC);
CREATE INDEX practice_role_stories_waiting_idx ON practice_role_stories (submitted_at, id)
    WHERE status = 'submitted';

-- What makes a resource an exercise done in Attune: the film, story or article (a link to
-- where the company hosts it, except for a story told in text), its text alternative or
-- transcript, and 2 to 4 reflection prompts.
CREATE TABLE practice_exercises (
    resource_id       uuid PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    format            text NOT NULL CHECK (format IN ('film', 'story', 'article')),
    media_url         text CHECK (media_url ~ '^https?://[^[:space:]]+$' AND length(media_url) <= 2000),
    text_alternative  text NOT NULL CHECK (length(btrim(text_alternative)) BETWEEN 1 AND 20000),
    prompts           text[] NOT NULL
                      CHECK (cardinality(prompts) BETWEEN 2 AND 4
                             AND array_position(prompts, '') IS NULL
                             AND length(array_to_string(prompts, '')) <= 2000),
    -- A colleague's role story it was made from (the author's name shows only if they chose
    -- it; erasing the author removes the link, and with it their name).
    story_id          uuid UNIQUE REFERENCES practice_role_stories (id) ON DELETE SET NULL,
    published_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (format = 'story' OR media_url IS NOT NULL)
);

-- A person's private reflection on one prompt of an exercise. Only its author reads it.
CREATE TABLE practice_reflections (
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    exercise_id  uuid NOT NULL REFERENCES practice_exercises (resource_id) ON DELETE CASCADE,
    prompt       smallint NOT NULL CHECK (prompt BETWEEN 1 AND 4),
    body         text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    written_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, exercise_id, prompt)
);

-- The shared board: one-line takeaways with no author and no time (the id is random, so it
-- orders nothing). Shown in random order once at least 5 exist.
CREATE TABLE practice_takeaways (
    id           uuid PRIMARY KEY,
    exercise_id  uuid NOT NULL REFERENCES practice_exercises (resource_id) ON DELETE CASCADE,
    body         text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 200 AND body !~ '[\r\n]')
);
CREATE INDEX practice_takeaways_exercise_idx ON practice_takeaways (exercise_id);

-- Who has added a takeaway to an exercise (one each), kept apart from the takeaways.
CREATE TABLE practice_takeaway_givers (
    exercise_id  uuid NOT NULL REFERENCES practice_exercises (resource_id) ON DELETE CASCADE,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (exercise_id, person_id)
);
CREATE INDEX practice_takeaway_givers_person_idx ON practice_takeaway_givers (person_id);

-- The month's kindness challenge (one per month, keyed by its first day), scheduled by HR.
CREATE TABLE practice_challenges (
    month         date PRIMARY KEY CHECK (extract(day FROM month) = 1),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    ideas         text NOT NULL CHECK (length(btrim(ideas)) BETWEEN 1 AND 4000),
    why           text NOT NULL CHECK (length(btrim(why)) BETWEEN 1 AND 2000),
    aspects       text[] NOT NULL
                  CHECK (cardinality(aspects) BETWEEN 1 AND 4
                         AND aspects <@ ARRAY['emotional-contagion', 'emotion-comprehension',
                                              'sympathetic-arousal', 'conspecific-altruism']),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Who accepted which month's challenge, with the department and office they had then (so
-- participation counts where they were, like the quiz figures). Their own.
CREATE TABLE practice_acceptances (
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    month        date NOT NULL REFERENCES practice_challenges (month) ON DELETE CASCADE,
    department   text NOT NULL,
    office       text NOT NULL,
    accepted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, month)
);
-- Whom to nudge in a month.
CREATE INDEX practice_acceptances_month_idx ON practice_acceptances (month, person_id);

-- Participation per month, department and office, kept by a trigger: HR's page reads a
-- dozen months of these small rows instead of counting acceptances.
CREATE TABLE practice_participation (
    month       date NOT NULL,
    department  text NOT NULL,
    office      text NOT NULL,
    people      integer NOT NULL CHECK (people >= 0),
    PRIMARY KEY (month, department, office)
);

CREATE FUNCTION practice_keep_participation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO practice_participation AS p (month, department, office, people)
        VALUES (NEW.month, NEW.department, NEW.office, 1)
        ON CONFLICT (month, department, office) DO UPDATE SET people = p.people + 1;
        RETURN NEW;
    ELSE
        UPDATE practice_participation
           SET people = people - 1
         WHERE month = OLD.month AND department = OLD.department AND office = OLD.office;
        RETURN OLD;
    END IF;
END;
$$;

CREATE TRIGGER practice_acceptances_participation
    AFTER INSERT OR DELETE ON practice_acceptances
    FOR EACH ROW EXECUTE FUNCTION practice_keep_participation();

-- A person's private journal: what happened, what they noticed. Only its owner reads it.
CREATE TABLE practice_journal (
    id           uuid PRIMARY KEY,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    happened_on  date NOT NULL,
    what         text NOT NULL CHECK (length(btrim(what)) BETWEEN 1 AND 2000),
    noticed      text NOT NULL DEFAULT '' CHECK (length(noticed) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- The journal page, newest first with keyset links; and entries per month.
CREATE INDEX practice_journal_person_idx ON practice_journal (person_id, created_at DESC, id DESC);
CREATE INDEX practice_journal_person_day_idx ON practice_journal (person_id, happened_on);

-- The nudges at the start and in the middle of each month, claimed once however many
-- instances run (in the same transaction as the messages).
CREATE TABLE practice_nudges (
    month    date NOT NULL CHECK (extract(day FROM month) = 1),
    moment   text NOT NULL CHECK (moment IN ('start', 'middle')),
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (month, moment)
);
