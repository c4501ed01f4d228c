-- Publishing a recognition updates the recipient's row (`last_recognised_at`) and four daily
-- tallies (the nominator's and the recipient's department and office). Two nominations
-- crossing at the same moment (Sales to Finance and Finance to Sales, or two colleagues
-- recognising each other) used to take those locks in opposite orders and deadlock, and one of
-- them failed. Now every transaction that publishes takes them in one order: people rows first
-- (a nomination locks the nominator and the recipient together, sorted by id, before it
-- inserts), then the tally rows in one statement sorted by group. They may wait for each other;
-- they can no longer wait in a circle.

CREATE OR REPLACE FUNCTION recognition_tally(r recognitions, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    on_day date := (r.created_at AT TIME ZONE 'UTC')::date;
BEGIN
    INSERT INTO recognition_tallies AS t (grouping, day, name, given, received, cross_team)
    SELECT v.grouping, on_day, v.name, sum(v.given)::int, sum(v.received)::int,
           sum(v.cross_team)::int
    FROM (VALUES ('department', r.nominator_department, sign, 0, 0),
                 ('office', r.nominator_office, sign, 0, 0),
                 ('department', r.recipient_department, 0, sign,
                  CASE WHEN r.cross_team THEN sign ELSE 0 END),
                 ('office', r.recipient_office, 0, sign,
                  CASE WHEN r.cross_team THEN sign ELSE 0 END)
         ) AS v (grouping, name, given, received, cross_team)
    GROUP BY v.grouping, v.name
    ORDER BY v.grouping, v.name
    ON CONFLICT (grouping, day, name) DO UPDATE
        SET given = t.given + excluded.given,
            received = t.received + excluded.received,
            cross_team = t.cross_team + excluded.cross_team;
END
$$;

CREATE OR REPLACE FUNCTION recognitions_keep_tallies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The recipient's row first...
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
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
    -- ...then the tallies.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
        PERFORM recognition_tally(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' THEN
        PERFORM recognition_tally(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
