-- Speed at company scale: HR's figures come from small tables kept up to date as things
-- happen (or refreshed by the scheduler), never from scans of tables that grow with the
-- company; and nothing is written when someone merely looks at a page.

-- ---------------------------------------------------------------------------------------
-- Recognition tallies per UTC day and department or office: what the fairness view adds up
-- for any date range (a year is at most 366 days × the number of groups).
-- Kept by a trigger on `recognitions`, so every way a recognition is published, rejected,
-- removed or deleted keeps them right. Only published recognitions count.
CREATE TABLE recognition_tallies (
    grouping   text NOT NULL CHECK (grouping IN ('department', 'office')),
    day        date NOT NULL,
    name       text NOT NULL,
    given      integer NOT NULL DEFAULT 0,
    received   integer NOT NULL DEFAULT 0,
    -- Received from someone in another department.
    cross_team integer NOT NULL DEFAULT 0,
    PRIMARY KEY (grouping, day, name)
);

-- The latest published recognition each person received: "not recognised lately" lists and
-- the spotlight prompt read it through an index instead of a subquery per person.
ALTER TABLE people ADD COLUMN last_recognised_at timestamptz;

CREATE FUNCTION recognition_tally(r recognitions, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    on_day date := (r.created_at AT TIME ZONE 'UTC')::date;
BEGIN
    INSERT INTO recognition_tallies AS t (grouping, day, name, given, received, cross_team)
    VALUES ('department', on_day, r.nominator_department, sign, 0, 0),
           ('office', on_day, r.nominator_office, sign, 0, 0)
    ON CONFLICT (grouping, day, name) DO UPDATE SET given = t.given + excluded.given;
    INSERT INTO recognition_tallies AS t (grouping, day, name, given, received, cross_team)
    VALUES ('department', on_day, r.recipient_department, 0, sign,
            CASE WHEN r.cross_team THEN sign ELSE 0 END),
           ('office', on_day, r.recipient_office, 0, sign,
            CASE WHEN r.cross_team THEN sign ELSE 0 END)
    ON CONFLICT (grouping, day, name) DO UPDATE
        SET received = t.received + excluded.received,
            cross_team = t.cross_team + excluded.cross_team;
END
$$;

CREATE FUNCTION recognitions_keep_tallies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
        PERFORM recognition_tally(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
        PERFORM recognition_tally(NEW, 1);
        UPDATE people SET last_recognised_at = NEW.created_at
        WHERE id = NEW.recipient_id
          AND (last_recognised_at IS NULL OR last_recognised_at < NEW.created_at);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published'
       AND (TG_OP = 'DELETE' OR NEW.status <> 'published') THEN
        UPDATE people p SET last_recognised_at = (
            SELECT max(created_at) FROM recognitions r
            WHERE r.recipient_id = p.id AND r.status = 'published')
        WHERE p.id = OLD.recipient_id;
    END IF;
    RETURN NULL;
END
$$;

-- Only changes that can move a figure fire it (appreciations and "seen" marks don't).
CREATE TRIGGER recognitions_tallies_insert_delete
    AFTER INSERT OR DELETE ON recognitions
    FOR EACH ROW EXECUTE FUNCTION recognitions_keep_tallies();
CREATE TRIGGER recognitions_tallies_update
    AFTER UPDATE OF status, created_at, nominator_department, nominator_office,
                    recipient_department, recipient_office ON recognitions
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR (NEW.status = 'published' AND OLD.* IS DISTINCT FROM NEW.*))
    EXECUTE FUNCTION recognitions_keep_tallies();

-- Works every tally and `last_recognised_at` out from scratch (for this migration, and for
-- bulk loads such as `attune demo --people N`, which load with the triggers off).
CREATE FUNCTION rebuild_recognition_figures() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM recognition_tallies;
    INSERT INTO recognition_tallies (grouping, day, name, given, received, cross_team)
    SELECT 'department', day, name, sum(given), sum(received), sum(cross_team) FROM (
        SELECT (created_at AT TIME ZONE 'UTC')::date AS day, nominator_department AS name,
               1 AS given, 0 AS received, 0 AS cross_team
        FROM recognitions WHERE status = 'published'
        UNION ALL
        SELECT (created_at AT TIME ZONE 'UTC')::date, recipient_department, 0, 1,
               CASE WHEN cross_team THEN 1 ELSE 0 END
        FROM recognitions WHERE status = 'published') d
    GROUP BY day, name;
    INSERT INTO recognition_tallies (grouping, day, name, given, received, cross_team)
    SELECT 'office', day, name, sum(given), sum(received), sum(cross_team) FROM (
        SELECT (created_at AT TIME ZONE 'UTC')::date AS day, nominator_office AS name,
               1 AS given, 0 AS received, 0 AS cross_team
        FROM recognitions WHERE status = 'published'
        UNION ALL
        SELECT (created_at AT TIME ZONE 'UTC')::date, recipient_office, 0, 1,
               CASE WHEN cross_team THEN 1 ELSE 0 END
        FROM recognitions WHERE status = 'published') d
    GROUP BY day, name;
    
    UPDATE people SET last_recognised_at = NULL WHERE last_recognised_at IS NOT NULL;
    UPDATE people p SET last_recognised_at = l.last
    FROM (SELECT recipient_id, max(created_at) AS last FROM recognitions
          WHERE status = 'published' GROUP BY recipient_id) l
    WHERE l.recipient_id = p.id;
END
$$;

SELECT rebuild_recognition_figures();

-- "Not recognised lately", everyone and by department (the spotlight prompt).
CREATE INDEX people_unrecognised_idx ON people (last_recognised_at NULLS FIRST, lower(display_name), id)
    WHERE active;
CREATE INDEX people_department_unrecognised_idx
    ON people (department, last_recognised_at NULLS FIRST, lower(display_name), id) WHERE active;

-- ---------------------------------------------------------------------------------------
-- How many active people each department and office has now (the fairness view's group
-- sizes and the wall's filters), and how many people are active, invited (no password yet)
-- or deactivated (HR's home page and people list). Kept by a trigger on `people`.
CREATE TABLE group_sizes (
    grouping text NOT NULL CHECK (grouping IN ('department', 'office', 'status')),
    name     text NOT NULL,
    -- (no CHECK >= 0: a check is applied to the proposed row before ON CONFLICT turns it
    -- into an update, so a -1 would be refused)
    people   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (grouping, name)
);

CREATE FUNCTION person_status(active boolean, has_password boolean) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE WHEN NOT active THEN 'inactive' WHEN NOT has_password THEN 'invited'
                ELSE 'active' END;
$$;

CREATE FUNCTION group_size_add(p people, sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO group_sizes AS g (grouping, name, people)
    SELECT * FROM (VALUES ('department', p.department, sign), ('office', p.office, sign)) v
    WHERE p.active
    UNION ALL
    SELECT 'status', person_status(p.active, p.password_hash IS NOT NULL), sign
    ON CONFLICT (grouping, name) DO UPDATE SET people = g.people + excluded.people;
$$;

CREATE FUNCTION people_keep_group_sizes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM group_size_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM group_size_add(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER people_group_sizes_insert_delete
    AFTER INSERT OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION people_keep_group_sizes();
CREATE TRIGGER people_group_sizes_update
    AFTER UPDATE OF active, department, office, password_hash ON people
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active
                       OR OLD.department IS DISTINCT FROM NEW.department
                       OR OLD.office IS DISTINCT FROM NEW.office
                       OR (OLD.password_hash IS NULL) <> (NEW.password_hash IS NULL))
    EXECUTE FUNCTION people_keep_group_sizes();

CREATE FUNCTION rebuild_group_sizes() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM group_sizes;
    INSERT INTO group_sizes (grouping, name, people)
    SELECT 'department', department, count(*) FROM people WHERE active GROUP BY department;
    INSERT INTO group_sizes (grouping, name, people)
    SELECT 'office', office, count(*) FROM people WHERE active GROUP BY office;
    INSERT INTO group_sizes (grouping, name, people)
    SELECT 'status', person_status(active, password_hash IS NOT NULL), count(*) FROM people
    GROUP BY 2;
$$;

SELECT rebuild_group_sizes();

-- ---------------------------------------------------------------------------------------
-- HR's Insights: figures worked out by the scheduler (the quiz figures are frozen at the
-- start of each week anyway), so the page reads a handful of rows.
CREATE TABLE insight_refreshes (
    week           date PRIMARY KEY,
    refreshed_at   timestamptz NOT NULL,
    -- Something left the figures (a person deleted a quiz attempt): work them out again at
    -- the scheduler's next turn instead of waiting for the hour.
    stale          boolean NOT NULL DEFAULT false,
    active_people  bigint NOT NULL,
    took_quiz      bigint NOT NULL,
    attempts_30d   bigint NOT NULL,
    plan_items_done bigint NOT NULL
);

CREATE TABLE insight_groups (
    week       date NOT NULL REFERENCES insight_refreshes (week) ON DELETE CASCADE,
    grouping   text NOT NULL CHECK (grouping IN ('everyone', 'department', 'office')),
    label      text NOT NULL,
    people     bigint NOT NULL,
    mean_total double precision NOT NULL,
    ec         double precision NOT NULL,
    comp       double precision NOT NULL,
    sym        double precision NOT NULL,
    alt        double precision NOT NULL,
    PRIMARY KEY (week, grouping, label)
);

-- The scheduler's refresh counts recent attempts.
CREATE INDEX quiz_attempts_taken_idx ON quiz_attempts (taken_at);

-- HR's library list, newest first, reads a page from the index instead of sorting the library.
CREATE INDEX resources_created_idx ON resources (created_at DESC, id);

-- ---------------------------------------------------------------------------------------
-- Recommendations are no longer counted per view: "people recommended to" depended on each
-- person's private quiz result (a way to learn it), and cost a write per page view.
DROP TABLE resource_impressions;
