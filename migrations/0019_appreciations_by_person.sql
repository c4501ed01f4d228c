-- "Did I appreciate this post?" on the wall: PostgreSQL answers it for a page of posts by
-- reading the viewer's own appreciations, which needs them by person (without this index it
-- read every appreciation in the company on each wall page).
CREATE INDEX recognition_appreciations_person_idx
    ON recognition_appreciations (person_id, recognition_id);
