-- The audit log: every administrative action (people added, imported, edited, moved, role
-- changes, deactivations, invitations and resets sent, settings changed, moderation
-- decisions, exports and imports, library changes, story night publication), written in the
-- same transaction as the action by the use case (src/app/audit.rs). Who (`actor`, the
-- person's id at the time, no foreign key so the record outlives the account), what
-- (`action`), which record (`record_kind`, `record_id`, and `person` when the action concerns
-- a person), when and from where (the client address), and a short plain-words `details`.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        uuid,
    action       text NOT NULL CHECK (action ~ '^[a-z_]+$' AND length(action) <= 60),
    record_kind  text NOT NULL CHECK (record_kind ~ '^[a-z_]+$' AND length(record_kind) <= 40),
    record_id    text CHECK (length(record_id) <= 100),
    person       uuid,
    ip           inet,
    details      text NOT NULL DEFAULT '' CHECK (length(details) <= 2000)
);

-- The HR page lists newest first (by id) with keyset pagination, filtered by action, person
-- (who acted or whom it concerned) and a date range.
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id DESC);
CREATE INDEX audit_log_person_idx ON audit_log (person, id DESC) WHERE person IS NOT NULL;

-- Nobody edits the record through Attune, and the database refuses it too: UPDATE, DELETE and
-- TRUNCATE fail unless the transaction has set `attune.retention` to `on` (SET LOCAL), which
-- only the retention job does.
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('attune.retention', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        ELSIF TG_OP = 'UPDATE' THEN
            RETURN NEW;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
