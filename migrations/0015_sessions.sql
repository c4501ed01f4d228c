-- Sessions in a table of Attune's own, with the signed-in person beside the session's data:
-- every signed-in page reads the session, the person and their unread count in one query.
-- (Replaces tower-sessions-sqlx-store's table: everyone signs in again once after upgrading.)
DROP SCHEMA IF EXISTS tower_sessions CASCADE;

CREATE TABLE sessions (
    id          text PRIMARY KEY,
    -- Who signed in (NULL before sign-in: a session may hold a flash message or an SSO
    -- sign-in in progress). Deleting a person ends their sessions.
    person_id   uuid REFERENCES people (id) ON DELETE CASCADE,
    data        jsonb NOT NULL,
    expiry_date timestamptz NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);
CREATE INDEX sessions_person_idx ON sessions (person_id) WHERE person_id IS NOT NULL;
