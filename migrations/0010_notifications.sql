-- In-app notifications: what happened that concerns a person (a seat opened up, a story night
-- was cancelled, a colleague recognised them...), listed on their notifications page with an
-- unread count in the navigation. Marking them read is a POST; reading the page never writes.

CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- the same kinds as email (see MailKind), so a person's choices read alike
    kind       text NOT NULL,
    text       text NOT NULL CHECK (text <> ''),
    -- where the notification leads: a path inside Attune, or empty
    link       text NOT NULL DEFAULT '' CHECK (link = '' OR link LIKE '/%'),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);

-- A person's notifications, newest first (keyset pagination on created_at, id).
CREATE INDEX notifications_person_idx ON notifications (person_id, created_at DESC, id DESC);
-- The unread count in the navigation, read with every signed-in page.
CREATE INDEX notifications_unread_idx ON notifications (person_id) WHERE read_at IS NULL;
