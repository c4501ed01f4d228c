-- Who counts in a group's figures (issue: the five-person rule beaten with accounts HR
-- controls). HR could move someone into a new department beside four accounts it created
-- and answered itself, and read that person's total off the group's mean. A result now counts
-- in the program's figures only when the person had been in their department and office for
-- four weeks when they gave it (domain::quiz::GROUP_TENURE_DAYS); until then their previous
-- result stands. It counts in no figure sooner, not even the company-wide one, since the
-- difference between that and the groups would give it back. New accounts start their time
-- in a group when they are created.

ALTER TABLE people
    ADD COLUMN department_since timestamptz,
    ADD COLUMN office_since timestamptz;
UPDATE people SET department_since = created_at, office_since = created_at;
ALTER TABLE people
    ALTER COLUMN department_since SET NOT NULL,
    ALTER COLUMN department_since SET DEFAULT now(),
    ALTER COLUMN office_since SET NOT NULL,
    ALTER COLUMN office_since SET DEFAULT now();

-- A move starts the person's time in the new group, whichever way it is made.
CREATE FUNCTION people_group_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.department IS DISTINCT FROM OLD.department THEN
        NEW.department_since := now();
    END IF;
    IF NEW.office IS DISTINCT FROM OLD.office THEN
        NEW.office_since := now();
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER people_group_since BEFORE UPDATE OF department, office ON people
    FOR EACH ROW EXECUTE FUNCTION people_group_since();

-- Whether each result counts in the group it was given in. Results given before this
-- release keep counting as they did.
ALTER TABLE quiz_attempts
    ADD COLUMN settled_in_department boolean NOT NULL DEFAULT true,
    ADD COLUMN settled_in_office boolean NOT NULL DEFAULT true;
