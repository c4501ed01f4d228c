-- Anonymous figures must not move when HR edits a person.
--
-- Group figures (by department, by office) are computed from the department and office a
-- person had when they took the quiz, copied onto the attempt here, not from their current
-- record: otherwise moving one person between groups and comparing the figures before and
-- after would reveal that person's score.

ALTER TABLE quiz_attempts
    ADD COLUMN department text NOT NULL DEFAULT '' CHECK (length(department) <= 100),
    ADD COLUMN office     text NOT NULL DEFAULT '' CHECK (length(office) <= 100);

UPDATE quiz_attempts a SET department = p.department, office = p.office
FROM people p WHERE p.id = a.person_id;
