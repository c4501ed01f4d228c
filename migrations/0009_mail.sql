-- Email: an outbox of messages, each person's choices about what they receive, password reset
-- links, and the key that signs one-click unsubscribe links.
--
-- The outbox is written in the same transaction as the change that causes a message (an
-- invitation, an RSVP...), so a change that rolls back sends nothing and a change that commits
-- loses nothing. Workers in every running instance claim due messages with
-- `FOR UPDATE SKIP LOCKED`, so each message is handed to the SMTP server by one of them.

CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    -- what kind of message (invitation, password_reset, ...): decides the footer and which
    -- preference turns it off
    kind            text NOT NULL,
    -- the recipient; messages go with their person when an account is erased
    person_id       uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    to_address      text NOT NULL CHECK (to_address <> ''),
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    -- an iCalendar attachment (text/calendar) and its METHOD, for story night messages
    calendar        text,
    calendar_method text CHECK (calendar_method IN ('REQUEST', 'CANCEL')),
    -- private messages (a password reset link, a note...) never show their body to HR
    private         boolean NOT NULL DEFAULT true,
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- the SMTP server's last answer when sending failed
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK ((calendar IS NULL) = (calendar_method IS NULL))
);

-- What the workers claim: queued messages that are due, oldest first.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'queued';
-- HR's list of failed messages, newest first.
CREATE INDEX outbox_failed_idx ON outbox (created_at DESC) WHERE status = 'failed';
CREATE INDEX outbox_person_idx ON outbox (person_id);
-- What was sent lately, for HR's outbox page (which never counts the whole table).
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE status = 'sent';

-- What a person chose for a kind of message. Without a row the kind's default applies (most
-- are on; the weekly digest is opt-in); security mail such as password resets can't be
-- turned off and has no row.
CREATE TABLE mail_preferences (
    person_id  uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind       text NOT NULL,
    wanted     boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, kind)
);

-- Password reset links live with the other single-use links.
ALTER TABLE access_tokens DROP CONSTRAINT access_tokens_purpose_check;
ALTER TABLE access_tokens ADD CONSTRAINT access_tokens_purpose_check
    CHECK (purpose IN ('invitation', 'first_admin', 'password_reset'));

-- "Forgot your password?" requests, for throttling per address and per email across replicas.
CREATE TABLE password_reset_requests (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    ip    inet,
    at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_requests_email_idx ON password_reset_requests (email, at DESC);
CREATE INDEX password_reset_requests_ip_idx ON password_reset_requests (ip, at DESC);

-- Keys this installation signs links with (one row per purpose), made once at random:
-- gen_random_uuid() draws from PostgreSQL's cryptographically strong generator, and two of
-- them give 244 random bits.
CREATE TABLE signing_keys (
    purpose text PRIMARY KEY,
    key     bytea NOT NULL CHECK (length(key) = 32)
);
INSERT INTO signing_keys (purpose, key)
VALUES ('unsubscribe', decode(replace(gen_random_uuid()::text, '-', ''), 'hex')
                       || decode(replace(gen_random_uuid()::text, '-', ''), 'hex'));
