-- Story nights reach people through notifications and email now: the one-time notices kept
-- on RSVPs (read, and cleared, by the next page view) are gone, and each event records when
-- its day-before reminder went out, so it goes out once however many instances run.

ALTER TABLE event_rsvps DROP COLUMN notice;

-- (Moving the start clears it, so the new date gets its own reminder.)
ALTER TABLE events ADD COLUMN reminder_sent_at timestamptz;

-- When the lineup was first published: its storytellers are told once, not each time an
-- organizer hides and shows it again.
ALTER TABLE events ADD COLUMN lineup_announced_at timestamptz;

-- What the reminder job looks for: published events starting soon whose reminder hasn't gone.
CREATE INDEX events_reminder_due_idx ON events (starts_at)
    WHERE status = 'published' AND reminder_sent_at IS NULL;

-- The weekly digest goes out once a week, whichever instance gets there first.
CREATE TABLE digest_weeks (
    week_start date PRIMARY KEY,
    sent_at    timestamptz NOT NULL DEFAULT now()
);

-- Who asked for an opt-in kind of message (the digest), without scanning everyone's choices.
CREATE INDEX mail_preferences_kind_idx ON mail_preferences (kind) WHERE wanted;
