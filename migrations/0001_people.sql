-- People, their roles, and everything needed to sign them in.
--
-- Every person is an employee; `is_organizer` and `is_hr_admin` add roles on top.
-- Emails are stored lower-cased (the domain layer normalises them), so a plain
-- unique index makes them unique case-insensitively.

CREATE TABLE people (
    id            uuid PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name  text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 100),
    department    text NOT NULL DEFAULT '' CHECK (length(department) <= 100),
    office        text NOT NULL DEFAULT '' CHECK (length(office) <= 100),
    time_zone     text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
    is_organizer  boolean NOT NULL DEFAULT false,
    is_hr_admin   boolean NOT NULL DEFAULT false,
    active        boolean NOT NULL DEFAULT true,
    -- NULL until the person follows their invitation and chooses a password.
    password_hash text,
    -- Bumped whenever every existing session of this person must end
    -- (deactivation, password change). Sessions remember the epoch they were
    -- created in and are refused once it no longer matches.
    session_epoch integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX people_email_key ON people (email);
-- The people list is ordered by name and searched by name or email.
CREATE INDEX people_name_idx ON people (lower(display_name), id);
CREATE INDEX people_hr_admin_idx ON people (id) WHERE is_hr_admin AND active;

-- Single-use links: invitations (a new person sets a password) and the
-- first-admin setup link printed on the console of a fresh install.
-- Only a SHA-256 hash of each token is stored; the token itself is shown once.
CREATE TABLE access_tokens (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    purpose     text NOT NULL CHECK (purpose IN ('invitation', 'first_admin')),
    person_id   uuid REFERENCES people (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK ((purpose = 'first_admin') = (person_id IS NULL)),
    CHECK (expires_at > created_at)
);

CREATE INDEX access_tokens_person_idx ON access_tokens (person_id) WHERE person_id IS NOT NULL;

-- Sign-in attempts, for throttling that holds across several replicas.
-- Failures are kept for a day, successes for 30 days (a device that signed in
-- successfully before is not locked out by someone else's failures).
CREATE TABLE sign_in_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    ip         inet,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_attempts_email_idx ON sign_in_attempts (email, at DESC);
CREATE INDEX sign_in_attempts_ip_idx ON sign_in_attempts (ip, at DESC) WHERE NOT succeeded;
CREATE INDEX sign_in_attempts_at_idx ON sign_in_attempts (at);
