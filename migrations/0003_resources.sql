-- The resource library HR curates, each person's plan, and engagement counts.
--
-- A resource helps one or more of the four TEQ aspects (slugs as in src/domain/teq.rs).
-- Optional targeting narrows who it is recommended to. ERG events also have a start time,
-- a time zone and a place, and stop being recommended once they have started.

CREATE TABLE resources (
    id                  uuid PRIMARY KEY,
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    kind                text NOT NULL
                        CHECK (kind IN ('article', 'book', 'video', 'course', 'exercise', 'erg_event')),
    url                 text NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    minutes             integer NOT NULL CHECK (minutes BETWEEN 1 AND 10000),
    aspects             text[] NOT NULL
                        CHECK (cardinality(aspects) BETWEEN 1 AND 4
                               AND aspects <@ ARRAY['emotional-contagion', 'emotion-comprehension',
                                                    'sympathetic-arousal', 'conspecific-altruism']),
    -- Recommend only when the person's percentage on one of the aspects is at most this.
    max_aspect_percent  smallint CHECK (max_aspect_percent BETWEEN 0 AND 100),
    -- Recommend only when the person's total is at most this.
    max_total           smallint CHECK (max_total BETWEEN 0 AND 64),
    -- Recommend only to these departments / offices; empty means everyone.
    departments         text[] NOT NULL DEFAULT '{}',
    offices             text[] NOT NULL DEFAULT '{}',
    -- Past this date the resource is flagged "needs review" and not recommended.
    review_by           date,
    archived            boolean NOT NULL DEFAULT false,
    event_starts_at     timestamptz,
    event_time_zone     text,
    event_place         text CHECK (length(event_place) <= 200),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- ERG events, and only they, have their event details.
    CHECK ((kind = 'erg_event') = (event_starts_at IS NOT NULL AND event_time_zone IS NOT NULL
                                   AND event_place IS NOT NULL))
);

-- Candidates for recommendation: active resources helping an aspect.
CREATE INDEX resources_aspects_idx ON resources USING gin (aspects) WHERE NOT archived;
-- The HR list: newest first, filtered by kind and status.
CREATE INDEX resources_list_idx ON resources (archived, kind, created_at DESC, id);

-- A person's plan: what they saved, finished or dismissed. Private to them.
CREATE TABLE plan_items (
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    resource_id  uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('saved', 'done', 'dismissed')),
    saved_at     timestamptz NOT NULL DEFAULT now(),
    done_on      date,
    -- Rated helpful (true) or not (false) once done.
    helpful      boolean,
    PRIMARY KEY (person_id, resource_id),
    CHECK ((status = 'done') = (done_on IS NOT NULL)),
    CHECK (helpful IS NULL OR status = 'done')
);

CREATE INDEX plan_items_resource_idx ON plan_items (resource_id, status);

-- Each person a resource was recommended to, once: "times recommended" for HR.
CREATE TABLE resource_impressions (
    resource_id  uuid NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    first_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (resource_id, person_id)
);

-- The starter library: well-known, freely reachable resources across all aspects and kinds.
-- HR can edit or archive any of them.
INSERT INTO resources (id, title, kind, url, description, minutes, aspects) VALUES
('7a0f1c2e-0001-4000-8000-000000000001', 'Empathy: The Human Connection to Patient Care', 'video',
 'https://www.youtube.com/watch?v=cDDWvj_q-o8',
 E'Cleveland Clinic''s short film follows people through a hospital corridor and shows what each of them is carrying that nobody around them can see.\n\nWatch it before a busy week and notice how differently you read the people you pass.',
 5, ARRAY['sympathetic-arousal', 'emotion-comprehension']),
('7a0f1c2e-0001-4000-8000-000000000002', 'Wired to Care', 'book',
 'https://openlibrary.org/search?q=Wired+to+Care+Dev+Patnaik',
 E'Dev Patnaik (with Peter Mortensen) on how organisations lose touch with the people they serve, and how widespread empathy helps them grow.\n\nA good read for anyone who works with customers or internal clients.',
 360, ARRAY['emotion-comprehension', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000003', 'Nonviolent Communication: A Language of Life', 'book',
 'https://www.cnvc.org/store/nonviolent-communication-a-language-of-life',
 E'Marshall Rosenberg''s classic on listening for the feelings and needs behind what people say, and saying what you need without blame.\n\nTry one chapter a week and practise its exercise with a colleague.',
 420, ARRAY['emotion-comprehension', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000004', 'Brené Brown on Empathy', 'video',
 'https://www.youtube.com/watch?v=1Evwgu369Jw',
 E'A three-minute animated RSA Short on the difference between empathy and sympathy: feeling with people rather than at them.',
 3, ARRAY['emotional-contagion', 'emotion-comprehension']),
('7a0f1c2e-0001-4000-8000-000000000005', 'Active listening', 'exercise',
 'https://ggia.berkeley.edu/practice/active_listening',
 E'From Greater Good in Action (UC Berkeley): paraphrase, ask questions, and hold back judgement and advice while someone tells you about something that matters to them.\n\nPair up with a teammate for fifteen minutes and take turns.',
 15, ARRAY['emotion-comprehension', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000006', 'Put a Human Face on Suffering', 'exercise',
 'https://ggia.berkeley.edu/practice/put_a_human_face_on_suffering',
 E'A Greater Good in Action practice: when you hear about hardship in the abstract, picture one specific person living through it.\n\nUseful before reading an incident report, a customer complaint or a survey result.',
 10, ARRAY['sympathetic-arousal', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000007', 'Loving-Kindness Meditation', 'exercise',
 'https://ggia.berkeley.edu/practice/loving_kindness_meditation',
 E'A guided practice of wishing well to yourself, to people you love, to people you find difficult and to everyone.\n\nFifteen quiet minutes, ideally at the start of the day.',
 15, ARRAY['sympathetic-arousal', 'emotional-contagion']),
('7a0f1c2e-0001-4000-8000-000000000008', 'What Is Empathy?', 'article',
 'https://greatergood.berkeley.edu/topic/empathy/definition',
 E'The Greater Good Science Center''s overview of what empathy is, why it matters and how it can be cultivated, with links to the research.',
 10, ARRAY['emotional-contagion', 'emotion-comprehension', 'sympathetic-arousal', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000009', 'What Makes a Leader?', 'article',
 'https://hbr.org/2004/01/what-makes-a-leader',
 E'Daniel Goleman''s Harvard Business Review article on emotional intelligence at work, with empathy as one of its five components.',
 20, ARRAY['emotion-comprehension']),
('7a0f1c2e-0001-4000-8000-000000000010', 'The Science of Empathy', 'article',
 'https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5513638/',
 E'Helen Riess (Journal of Patient Experience, 2017) reviews the neuroscience of empathy, including emotional contagion and how empathy can be taught.',
 25, ARRAY['emotional-contagion', 'sympathetic-arousal']),
('7a0f1c2e-0001-4000-8000-000000000011', 'The Power of Vulnerability', 'video',
 'https://www.ted.com/talks/brene_brown_the_power_of_vulnerability',
 E'Brené Brown''s TED talk on connection, courage and why letting ourselves be seen makes empathy possible.',
 20, ARRAY['emotional-contagion', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000012', 'Why We All Need to Practice Emotional First Aid', 'video',
 'https://www.ted.com/talks/guy_winch_why_we_all_need_to_practice_emotional_first_aid',
 E'Psychologist Guy Winch on recognising emotional injuries such as rejection and loneliness, in ourselves and in the people around us.',
 17, ARRAY['sympathetic-arousal', 'emotion-comprehension']),
('7a0f1c2e-0001-4000-8000-000000000013', 'Empathy and Emotional Intelligence at Work', 'course',
 'https://www.edx.org/learn/emotional-intelligence/university-of-california-berkeley-empathy-and-emotional-intelligence-at-work',
 E'A UC Berkeley course on edX about building empathy, collaboration and emotional intelligence in teams. Self-paced.',
 1200, ARRAY['emotion-comprehension', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000014', 'The War for Kindness', 'book',
 'https://openlibrary.org/search?q=The+War+for+Kindness+Jamil+Zaki',
 E'Stanford psychologist Jamil Zaki shows that empathy is a skill that can be strengthened, with stories from police training rooms to hospital wards.',
 400, ARRAY['sympathetic-arousal', 'conspecific-altruism']),
('7a0f1c2e-0001-4000-8000-000000000015', 'Crucial Conversations', 'book',
 'https://cruciallearning.com/crucial-conversations-book/',
 E'Patterson, Grenny, McMillan and Switzler on keeping conversations safe when stakes are high and opinions differ.',
 360, ARRAY['emotion-comprehension', 'emotional-contagion']),
('7a0f1c2e-0001-4000-8000-000000000016', 'Three Good Things for someone else', 'exercise',
 'https://ggia.berkeley.edu/practice/three-good-things',
 E'Adapt the Greater Good practice: each evening this week, write down three good things a colleague did and what it took for them to do it. On Friday, tell one of them.',
 10, ARRAY['conspecific-altruism', 'emotional-contagion']);

INSERT INTO resources (id, title, kind, url, description, minutes, aspects,
                       event_starts_at, event_time_zone, event_place) VALUES
('7a0f1c2e-0001-4000-8000-000000000017', 'Listening circle: what I wish colleagues knew', 'erg_event',
 'https://example.com/replace-with-your-erg-page',
 E'An employee resource group invites colleagues to listen, without replying, as members share what their working day is really like. Replace the link with your ERG''s page and the date with your next session.',
 60, ARRAY['emotion-comprehension', 'sympathetic-arousal'],
 date_trunc('day', now()) + interval '30 days 17 hours', 'UTC', 'Main office, large meeting room');
