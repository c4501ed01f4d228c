-- The participation funnel by department and office (HR's Insights). A step (taking the quiz,
-- saving a resource, going to a story night, recognising someone) counts in the department and
-- office the person was in when they took it, so moving someone later changes no figure about
-- the past (comparing the page before and after a move would otherwise tell whether that person
-- took part). As with quiz results, a step counts in a group only once the person had been in it
-- four weeks; until then it counts among the group's newcomers, a row of its own.
--
-- `group_history` keeps which groups each person was in, and since when: one row per move,
-- written by a trigger on people whichever way the move is made. Moves made before this release
-- were not kept: everyone starts with their current groups, from the start of time.
CREATE TABLE group_history (
    person_id        uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    valid_from       timestamptz NOT NULL,
    valid_until      timestamptz,
    department       text NOT NULL,
    office           text NOT NULL,
    department_since timestamptz NOT NULL,
    office_since     timestamptz NOT NULL,
    PRIMARY KEY (person_id, valid_from),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

INSERT INTO group_history (person_id, valid_from, department, office, department_since, office_since)
SELECT id, '-infinity', department, office, department_since, office_since FROM people;

CREATE FUNCTION people_group_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved_at timestamptz;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.department IS NOT DISTINCT FROM OLD.department
           AND NEW.office IS NOT DISTINCT FROM OLD.office THEN
            -- Not a move: only when the person's time in their groups began was corrected.
            UPDATE group_history
            SET department_since = NEW.department_since, office_since = NEW.office_since
            WHERE person_id = NEW.id AND valid_until IS NULL;
            RETURN NULL;
        END IF;
        -- A move committed meanwhile by a transaction that started later has a later
        -- moment: this one takes its place rather than ending before it began.
        moved_at := greatest(now(), (SELECT max(valid_from) FROM group_history
                                     WHERE person_id = NEW.id));
        UPDATE group_history SET valid_until = moved_at
        WHERE person_id = NEW.id AND valid_until IS NULL;
    END IF;
    -- A new person's first groups hold from the start of time, so history loaded with them
    -- (an import, the demo) has groups too. Two moves in one transaction share a moment: the
    -- later one stands.
    INSERT INTO group_history (person_id, valid_from, department, office, department_since,
                               office_since)
    VALUES (NEW.id, CASE WHEN TG_OP = 'INSERT' THEN '-infinity' ELSE moved_at END,
            NEW.department, NEW.office, NEW.department_since, NEW.office_since)
    ON CONFLICT (person_id, valid_from) DO UPDATE
        SET department = excluded.department, office = excluded.office,
            department_since = excluded.department_since, office_since = excluded.office_since,
            valid_until = NULL;
    RETURN NULL;
END;
$$;
CREATE TRIGGER people_group_history
    AFTER INSERT OR UPDATE OF department, office, department_since, office_since ON people
    FOR EACH ROW EXECUTE FUNCTION people_group_history();

-- How many different people took each step in a quarter, by the department and office they
-- were in when they first took it that quarter (one cell per person, so the cells add up to
-- the funnel's count). NULL: the person had been in that group under four weeks. Counts of
-- people only; the page works out each department's and office's count from these and hides
-- what could be worked out as a small difference.
CREATE TABLE insight_funnel_cells (
    quarter    date NOT NULL CHECK (quarter = date_trunc('quarter', quarter)::date),
    stage      text NOT NULL CHECK (stage IN ('quiz', 'resource', 'story_night', 'recognised')),
    department text,
    office     text,
    people     bigint NOT NULL CHECK (people > 0)
);
CREATE INDEX insight_funnel_cells_quarter_idx ON insight_funnel_cells (quarter);
