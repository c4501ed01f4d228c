-- Story nights: events, RSVPs with capacity and waitlist, storyteller pitches and the lineup,
-- private "this resonated with me" notes, and private calendar feeds.
--
-- The rules the application enforces are backed here so that a bug in Rust cannot write an
-- invalid row: capacity is a CHECK on a going counter kept by a trigger, one RSVP and one
-- pitch per person per event are UNIQUE, the lineup never has more stories than slots.

CREATE TABLE events (
    id                 uuid PRIMARY KEY,
    title              text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    theme              text NOT NULL DEFAULT '' CHECK (length(theme) <= 120),
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    -- The IANA zone the organizer entered the times in; times are stored as instants.
    time_zone          text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    office             text NOT NULL DEFAULT '' CHECK (length(office) <= 100),
    room               text NOT NULL DEFAULT '' CHECK (length(room) <= 100),
    video_url          text NOT NULL DEFAULT '' CHECK (length(video_url) <= 500),
    -- NULL means unlimited seats.
    capacity           integer CHECK (capacity BETWEEN 0 AND 100000),
    storyteller_slots  integer NOT NULL CHECK (storyteller_slots BETWEEN 0 AND 50),
    minutes_per_story  integer NOT NULL CHECK (minutes_per_story BETWEEN 1 AND 120),
    pitch_deadline     timestamptz NOT NULL,
    status             text NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'published', 'cancelled')),
    -- Set the first time the event is published: from then on everyone can see it, even
    -- once cancelled. Drafts (never published) are for organizers only.
    published_at       timestamptz,
    cancelled_at       timestamptz,
    -- Whether everyone sees the lineup (organizers always do).
    lineup_published   boolean NOT NULL DEFAULT false,
    -- iCalendar SEQUENCE: bumped by every change people's calendars should pick up.
    sequence           integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    -- People going, kept by the trigger on event_rsvps below. The CHECK is the last line of
    -- defence for "capacity is never exceeded".
    going_count        integer NOT NULL DEFAULT 0 CHECK (going_count >= 0),
    created_by         uuid REFERENCES people (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (pitch_deadline < starts_at),
    CHECK (capacity IS NULL OR going_count <= capacity),
    CHECK (office <> '' OR room <> '' OR video_url <> ''),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (status = 'draft' OR status = 'cancelled' OR published_at IS NOT NULL)
);

-- Upcoming events in start order, past events newest first, both filtered by office.
CREATE INDEX events_starts_idx ON events (starts_at, id);
CREATE INDEX events_ends_idx ON events (ends_at DESC, id);
CREATE INDEX events_office_idx ON events (office, starts_at) WHERE office <> '';

-- One row per person per event: going, or waiting in line. The identity column orders the
-- waitlist: RSVPs are inserted one at a time under a lock on the event row, so a lower id
-- always means an earlier place in the queue.
CREATE TABLE event_rsvps (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('going', 'waitlisted')),
    -- Something to tell the person on their next visit (email comes later):
    -- promoted from the waitlist, or the event was cancelled. Cleared once shown.
    notice      text CHECK (notice IN ('promoted', 'event_cancelled')),
    -- Marked by organizers after the event; only people who were going can have attended.
    attended    boolean NOT NULL DEFAULT false CHECK (NOT attended OR status = 'going'),
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, person_id)
);

-- The waitlist in order and the attendee list; a person's own RSVPs and notices.
CREATE INDEX event_rsvps_queue_idx ON event_rsvps (event_id, status, id);
CREATE INDEX event_rsvps_person_idx ON event_rsvps (person_id, event_id);
CREATE INDEX event_rsvps_notice_idx ON event_rsvps (person_id) WHERE notice IS NOT NULL;

CREATE FUNCTION event_rsvps_count_going() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'going' THEN
        UPDATE events SET going_count = going_count - 1 WHERE id = OLD.event_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'going' THEN
        UPDATE events SET going_count = going_count + 1 WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER event_rsvps_count_going
    AFTER INSERT OR UPDATE OF status OR DELETE ON event_rsvps
    FOR EACH ROW EXECUTE FUNCTION event_rsvps_count_going();

-- Story pitches. A person pitches at most one story per event; withdrawing deletes it.
-- Accepted pitches have a place in the lineup (1, 2, 3...), never beyond the event's slots.
CREATE TABLE event_pitches (
    id                 uuid PRIMARY KEY,
    event_id           uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id          uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    title              text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    summary            text NOT NULL CHECK (length(btrim(summary)) BETWEEN 1 AND 1000),
    minutes            integer NOT NULL CHECK (minutes BETWEEN 1 AND 120),
    content_note       text NOT NULL DEFAULT '' CHECK (length(content_note) <= 200),
    recording_consent  boolean NOT NULL,
    status             text NOT NULL DEFAULT 'submitted'
                       CHECK (status IN ('submitted', 'accepted', 'declined')),
    organizer_message  text NOT NULL DEFAULT '' CHECK (length(organizer_message) <= 1000),
    lineup_position    integer CHECK (lineup_position >= 1),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    decided_at         timestamptz,
    UNIQUE (event_id, person_id),
    -- Deferred, so two stories can swap places in one transaction.
    CONSTRAINT event_pitches_lineup_key UNIQUE (event_id, lineup_position)
        DEFERRABLE INITIALLY DEFERRED,
    CHECK ((status = 'accepted') = (lineup_position IS NOT NULL)),
    CHECK ((status = 'submitted') = (decided_at IS NULL))
);

CREATE INDEX event_pitches_event_idx ON event_pitches (event_id, status, lineup_position, created_at);
CREATE INDEX event_pitches_person_idx ON event_pitches (person_id);

-- Places are 1..n with no gaps (the application renumbers) and unique, so a place within
-- the slots means no more accepted stories than slots.
CREATE FUNCTION event_pitches_within_slots() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.lineup_position IS NOT NULL AND NEW.lineup_position >
        (SELECT storyteller_slots FROM events WHERE id = NEW.event_id) THEN
        RAISE EXCEPTION 'lineup position % is beyond the storyteller slots of event %',
            NEW.lineup_position, NEW.event_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER event_pitches_within_slots
    BEFORE INSERT OR UPDATE OF lineup_position ON event_pitches
    FOR EACH ROW EXECUTE FUNCTION event_pitches_within_slots();

-- "This resonated with me": a private note from an attendee to a storyteller about the story
-- they told. Only the storyteller ever reads it. One note per story per person.
CREATE TABLE event_resonance_notes (
    id          uuid PRIMARY KEY,
    pitch_id    uuid NOT NULL REFERENCES event_pitches (id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    body        text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pitch_id, author_id)
);

CREATE INDEX event_resonance_notes_author_idx ON event_resonance_notes (author_id);

-- A person's private calendar feed: only the SHA-256 digest of the token is stored.
-- Regenerating replaces the row; revoking deletes it.
CREATE TABLE event_calendar_feeds (
    person_id     uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    token_digest  bytea NOT NULL UNIQUE CHECK (length(token_digest) = 32),
    created_at    timestamptz NOT NULL DEFAULT now()
);
