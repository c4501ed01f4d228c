-- Pulse results by department or office follow the four-week rule of the quiz figures (0030):
-- HR could otherwise move a colleague into a department beside accounts it answers itself and
-- read the colleague's answers off the group's figures. An answer given in someone's first four
-- weeks in their department (or office) is stored without it (NULL), and counts in its own
-- group, "Under four weeks in their department", under the same threshold as any other.
-- Storing less about the answer makes it no easier to tell whose it is.
ALTER TABLE pulse_answers
    ALTER COLUMN department DROP NOT NULL,
    ALTER COLUMN office DROP NOT NULL;
