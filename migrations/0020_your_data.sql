-- Your data (GDPR articles 15, 17 and 20): erasing an account, and keeping personal data only
-- as long as HR's retention settings say.
--
-- Erasure (src/app/privacy/erasure.rs) deletes the person's row, and with it, through the
-- foreign keys, everything that is theirs alone. What must outlive them is kept without them:

-- A recognition they gave stays on the wall "from a former colleague" when HR chooses so: its
-- nominator becomes NULL (the person is gone) instead of the row being deleted. The copies of
-- the nominator kept for the 24-hour rule go too (a NULL never conflicts in the exclusion
-- constraint, and no rule applies to a person who no longer exists).
ALTER TABLE recognitions ALTER COLUMN nominator_id DROP NOT NULL;
ALTER TABLE recognition_behaviour_links ALTER COLUMN nominator_id DROP NOT NULL;

-- The audit log keeps what HR did, but not whom it was done to once that person is erased:
-- erasure replaces the erased person's id in `actor` and `person` by a random reference (the
-- same one in every entry, so the entries still read together) and clears their address.
-- Like the retention job, erasure sets `attune.retention` for its own transaction to do so
-- (see the append-only trigger in 0017); nothing else can.

-- When a person was deactivated, for "erase deactivated accounts after N days". Kept by a
-- trigger so every way of deactivating someone sets it; reactivating clears it.
ALTER TABLE people ADD COLUMN deactivated_at timestamptz
    CHECK (deactivated_at IS NULL OR NOT active);
UPDATE people SET deactivated_at = updated_at WHERE NOT active;

CREATE FUNCTION people_keep_deactivated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.active THEN
        NEW.deactivated_at := NULL;
    ELSIF OLD.active OR NEW.deactivated_at IS NULL THEN
        NEW.deactivated_at := coalesce(NEW.deactivated_at, now());
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER people_deactivated_at
    BEFORE UPDATE OF active ON people
    FOR EACH ROW EXECUTE FUNCTION people_keep_deactivated_at();

-- Deactivated accounts waiting to be erased, oldest first.
CREATE INDEX people_deactivated_idx ON people (deactivated_at) WHERE NOT active;

-- HR's privacy settings, on the one-row settings table (bounds also in src/domain/privacy.rs).
ALTER TABLE program_settings
    -- On erasure, the recognitions the person gave: 'keep' (on the wall "from a former
    -- colleague": they belong to their recipients too) or 'remove'.
    ADD COLUMN erasure_given_recognitions text NOT NULL DEFAULT 'keep'
        CHECK (erasure_given_recognitions IN ('keep', 'remove')),
    -- Successful sign-ins (the sign-in history and known devices); failures go after a day.
    ADD COLUMN retention_sign_in_days integer NOT NULL DEFAULT 30
        CHECK (retention_sign_in_days BETWEEN 7 AND 365),
    -- Notifications, read or not.
    ADD COLUMN retention_notifications_days integer NOT NULL DEFAULT 180
        CHECK (retention_notifications_days BETWEEN 7 AND 1825),
    -- Sent and failed email in the outbox.
    ADD COLUMN retention_sent_mail_days integer NOT NULL DEFAULT 30
        CHECK (retention_sent_mail_days BETWEEN 1 AND 365),
    -- Deactivated accounts, from their deactivation until they are erased.
    ADD COLUMN retention_deactivated_days integer NOT NULL DEFAULT 365
        CHECK (retention_deactivated_days BETWEEN 30 AND 3650);

-- One retention run per day across every replica: the run claims its day with
-- INSERT ... ON CONFLICT DO NOTHING in the transaction that deletes, so a second replica
-- finds the day taken and does nothing.
CREATE TABLE retention_runs (
    day     date PRIMARY KEY,
    ran_at  timestamptz NOT NULL DEFAULT now(),
    -- what was deleted, in words (also on the audit record)
    summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000)
);

-- Outbox rows of a person (erasure, export) and sign-in history by email are already indexed;
-- notifications by age for the retention job:
CREATE INDEX notifications_created_idx ON notifications (created_at);
