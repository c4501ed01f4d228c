-- HR's Insights: a week's quiz figures are shown only when they can be compared with the last
-- ones shown without singling anyone out (src/domain/quiz_disclosure/week.rs); until then the
-- last ones stay up.
--
-- Each week's row keeps its own counts (participation, story nights); `quiz_week` names the
-- week whose row holds the quiz figures shown (its own, or an earlier week's held up), and
-- that row is kept while it does. `quiz_removed`: a quiz attempt left the figures since then
-- (deleted by its owner, or with an erased account), so the next week needs enough new results
-- to hide that change among. Quarter points, once shown, keep the figures they were shown with.
ALTER TABLE insight_refreshes
    ADD COLUMN quiz_week date,
    ADD COLUMN quiz_removed boolean NOT NULL DEFAULT false;
UPDATE insight_refreshes SET quiz_week = week;

-- Every way an attempt goes (its owner deleting it, an account erased through ON DELETE
-- CASCADE) marks the figures.
CREATE FUNCTION quiz_attempt_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE insight_refreshes SET quiz_removed = true, stale = true
    WHERE NOT (quiz_removed AND stale);
    RETURN NULL;
END
$$;

CREATE TRIGGER quiz_attempts_removed AFTER DELETE ON quiz_attempts
    FOR EACH ROW EXECUTE FUNCTION quiz_attempt_removed();
