//! Bulk loading for `attune demo --people N`: a large company with a year of history, made
//! in a few set-based statements inside PostgreSQL (generate_series), so 100,000 people and
//! a million recognitions take minutes, not hours. Triggers that keep figures up to date row
//! by row are switched off for the load and the figures worked out once afterwards.
//!
//! Generated people are numbered from 1; `person_ids` holds their ids in that order.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use tracing::instrument;
use uuid::Uuid;

use super::DbResult;

/// Departments and offices of the generated company (the 60 hand-made demo people keep the
/// first four departments and three offices).
pub const DEPARTMENTS: [&str; 24] = [
    "Engineering",
    "Customer Success",
    "People & Culture",
    "Finance",
    "Design",
    "Product",
    "Sales",
    "Marketing",
    "Legal",
    "Operations",
    "Data",
    "Security",
    "Support",
    "Research",
    "Facilities",
    "Procurement",
    "Communications",
    "Partnerships",
    "Quality",
    "Infrastructure",
    "Mobile",
    "Platform",
    "Payments",
    "Learning",
];
pub const OFFICES: [(&str, &str); 12] = [
    ("London", "Europe/London"),
    ("Toronto", "America/Toronto"),
    ("Singapore", "Asia/Singapore"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("São Paulo", "America/Sao_Paulo"),
    ("Nairobi", "Africa/Nairobi"),
    ("Bengaluru", "Asia/Kolkata"),
    ("Sydney", "Australia/Sydney"),
    ("Tokyo", "Asia/Tokyo"),
    ("Dublin", "Europe/Dublin"),
    ("Mexico City", "America/Mexico_City"),
];

/// Turns the row-by-row triggers that keep figures (group sizes, recognition tallies) off or
/// on again for this transaction's bulk load. The RSVP counter stays on.
#[instrument(skip_all)]
pub async fn figure_triggers(conn: &mut PgConnection, on: bool) -> DbResult<()> {
    let verb = if on { "ENABLE" } else { "DISABLE" };
    for statement in [
        format!("ALTER TABLE people {verb} TRIGGER people_group_sizes_insert_delete"),
        format!("ALTER TABLE people {verb} TRIGGER people_group_sizes_update"),
        format!("ALTER TABLE recognitions {verb} TRIGGER recognitions_tallies_insert_delete"),
        format!("ALTER TABLE recognitions {verb} TRIGGER recognitions_tallies_update"),
    ] {
        sqlx::query(&statement).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Works the trigger-kept figures out from scratch after a bulk load.
#[instrument(skip_all)]
pub async fn rebuild_figures(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("SELECT rebuild_group_sizes()")
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT rebuild_recognition_figures()")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds `count` people (numbered from 1), all able to sign in with `password_hash`, spread
/// over the departments and offices, joined over the last year; one in 40 organizes story
/// nights; they have been in their department and office longer than the history the demo
/// gives them. Returns their ids in order.
#[instrument(skip_all)]
pub async fn people(
    conn: &mut PgConnection,
    count: i64,
    first_names: &[&str],
    last_names: &[&str],
    password_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Vec<Uuid>> {
    let departments: Vec<&str> = DEPARTMENTS.to_vec();
    let offices: Vec<&str> = OFFICES.iter().map(|(name, _)| *name).collect();
    let zones: Vec<&str> = OFFICES.iter().map(|(_, zone)| *zone).collect();
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO people (id, email, display_name, department, office, time_zone, \
                             is_organizer, password_hash, created_at, updated_at, \
                             department_since, office_since) \
         SELECT gen_random_uuid(), 'person' || n || '@scale.northwind.example', \
                ($2::text[])[1 + n % cardinality($2)] || ' ' || \
                ($3::text[])[1 + (n / cardinality($2)) % cardinality($3)], \
                ($4::text[])[1 + (n * 7 + n / 13) % cardinality($4)], \
                ($5::text[])[1 + n % cardinality($5)], \
                ($6::text[])[1 + n % cardinality($6)], \
                n % 40 = 0, $7, $8 - (n % 365) * interval '1 day', $8, \
                $8 - interval '2 years', $8 - interval '2 years' \
         FROM generate_series(1, $1) AS n ORDER BY n RETURNING id",
    )
    .bind(count)
    .bind(first_names)
    .bind(last_names)
    .bind(departments)
    .bind(offices)
    .bind(zones)
    .bind(password_hash)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids)
}

/// Quiz attempts, as given (answers scored by the caller), in one statement per batch.
pub struct AttemptRows {
    pub person_id: Vec<Uuid>,
    pub answers: Vec<String>,
    pub total: Vec<i16>,
    pub means: [Vec<f64>; 4],
    pub taken_at: Vec<DateTime<Utc>>,
}

#[instrument(skip_all)]
pub async fn quiz_attempts(conn: &mut PgConnection, rows: &AttemptRows) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO quiz_attempts (id, person_id, instrument_version, answers, total, \
             emotional_contagion, emotion_comprehension, sympathetic_arousal, \
             conspecific_altruism, submission_key, taken_at, department, office) \
         SELECT gen_random_uuid(), a.person_id, 1, a.answers::smallint[], a.total, a.ec, a.comp, \
                a.sym, a.alt, gen_random_uuid(), a.taken_at, p.department, p.office \
         FROM unnest($1::uuid[], $2::text[], $3::int2[], $4::float8[], $5::float8[], \
                     $6::float8[], $7::float8[], $8::timestamptz[]) \
              AS a(person_id, answers, total, ec, comp, sym, alt, taken_at) \
         JOIN people p ON p.id = a.person_id",
    )
    .bind(&rows.person_id)
    .bind(&rows.answers)
    .bind(&rows.total)
    .bind(&rows.means[0])
    .bind(&rows.means[1])
    .bind(&rows.means[2])
    .bind(&rows.means[3])
    .bind(&rows.taken_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `count` more resources across every kind and aspect (a few targeted at a department), and
/// plans: each generated person saved two, finished one and rated most of what they finished.
#[instrument(skip_all)]
pub async fn resources_and_plans(
    conn: &mut PgConnection,
    count: i64,
    person_ids: &[Uuid],
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO resources (id, title, kind, url, description, minutes, aspects, \
                                max_aspect_percent, departments, created_at, updated_at) \
         SELECT gen_random_uuid(), \
                (ARRAY['Listening', 'Curiosity', 'Feedback', 'Conflict', 'Inclusion', \
                       'Kindness', 'Perspective', 'Support', 'Trust', 'Belonging'])[1 + n % 10] \
                || ' practice ' || n, \
                (ARRAY['article', 'book', 'video', 'course', 'exercise'])[1 + n % 5], \
                'https://learning.northwind.example/library/' || n, \
                'A short, practical piece from the company library on one everyday habit of empathy.', \
                5 + n % 90, \
                CASE n % 5 WHEN 0 THEN ARRAY['emotional-contagion'] \
                           WHEN 1 THEN ARRAY['emotion-comprehension'] \
                           WHEN 2 THEN ARRAY['sympathetic-arousal'] \
                           WHEN 3 THEN ARRAY['conspecific-altruism'] \
                           ELSE ARRAY['emotion-comprehension', 'conspecific-altruism'] END, \
                CASE WHEN n % 7 = 0 THEN 60 END, \
                CASE WHEN n % 50 = 0 THEN ARRAY[($2::text[])[1 + n % cardinality($2)]] \
                     ELSE '{}'::text[] END, \
                $3 - (n % 700) * interval '1 hour', $3 \
         FROM generate_series(1, $1) AS n",
    )
    .bind(count)
    .bind(DEPARTMENTS.to_vec())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // Two resources per person, picked by number: saved, and (for four in five) done.
    sqlx::query(
        "WITH r AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM resources \
                    WHERE NOT archived AND kind <> 'erg_event'), \
              total AS (SELECT count(*) AS c FROM r), \
              p AS (SELECT id, ord FROM unnest($1::uuid[]) WITH ORDINALITY AS p(id, ord)), \
              picks AS (SELECT p.id AS person_id, p.ord, s.slot, \
                               1 + (p.ord * 31 + s.slot * 17) % total.c AS k \
                        FROM p CROSS JOIN total CROSS JOIN generate_series(0, 1) AS s(slot)) \
         INSERT INTO plan_items (person_id, resource_id, status, saved_at, done_on, helpful) \
         SELECT picks.person_id, r.id, \
                CASE WHEN picks.slot = 1 AND picks.ord % 5 <> 0 THEN 'done' ELSE 'saved' END, \
                $2 - (picks.ord % 300) * interval '1 day', \
                CASE WHEN picks.slot = 1 AND picks.ord % 5 <> 0 \
                     THEN ($2 - (picks.ord % 200) * interval '1 day')::date END, \
                CASE WHEN picks.slot = 1 AND picks.ord % 5 <> 0 AND picks.ord % 4 <> 0 \
                     THEN picks.ord % 6 <> 0 END \
         FROM picks JOIN r ON r.k = picks.k ON CONFLICT DO NOTHING",
    )
    .bind(person_ids)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `count` story nights over the past year and the next two months across the offices, with
/// RSVPs (some full with a waitlist), pitches and lineups, run by the generated organizers.
#[instrument(skip_all)]
pub async fn story_nights(
    conn: &mut PgConnection,
    count: i64,
    person_ids: &[Uuid],
    now: DateTime<Utc>,
) -> DbResult<()> {
    let offices: Vec<&str> = OFFICES.iter().map(|(name, _)| *name).collect();
    let zones: Vec<&str> = OFFICES.iter().map(|(_, zone)| *zone).collect();
    sqlx::query(
        "WITH organizers AS (SELECT id, row_number() OVER () AS k FROM unnest($2::uuid[]) \
                             WITH ORDINALITY AS p(id, ord) WHERE ord % 40 = 0), \
              total AS (SELECT greatest(count(*), 1) AS c FROM organizers) \
         INSERT INTO events (id, title, theme, description, starts_at, ends_at, time_zone, \
                             office, room, capacity, storyteller_slots, minutes_per_story, \
                             pitch_deadline, status, published_at, lineup_published, created_by, \
                             created_at, updated_at) \
         SELECT gen_random_uuid(), \
                (ARRAY['Turning points', 'First days', 'Asking for help', 'Small kindnesses', \
                       'Lost in translation', 'The hard conversation'])[1 + n % 6] \
                || ' · ' || ($4::text[])[1 + n % cardinality($4)], \
                'Stories from colleagues', \
                'An evening of true, five-minute stories from colleagues, with time to talk after.', \
                e.starts, e.starts + interval '2 hours', ($5::text[])[1 + n % cardinality($5)], \
                ($4::text[])[1 + n % cardinality($4)], 'Main hall', 40 + (n % 5) * 20, 5, 6, \
                e.starts - interval '3 days', 'published', e.starts - interval '30 days', \
                e.starts < $3, (SELECT id FROM organizers, total WHERE k = 1 + n % total.c), \
                e.starts - interval '30 days', e.starts - interval '30 days' \
         FROM generate_series(1, $1) AS n, \
              LATERAL (SELECT date_trunc('hour', $3 - interval '365 days' \
                              + (n * 425.0 / $1) * interval '1 day') + interval '18 hours' \
                       AS starts) e",
    )
    .bind(count)
    .bind(person_ids)
    .bind(now)
    .bind(offices)
    .bind(zones)
    .execute(&mut *conn)
    .await?;
    // RSVPs: people sign up for evenings at their own office (going up to capacity, then the
    // waitlist); past evenings record who came.
    sqlx::query(
        "WITH ev AS (SELECT id, office, capacity, starts_at, \
                            row_number() OVER (PARTITION BY office ORDER BY starts_at) AS k, \
                            count(*) OVER (PARTITION BY office) AS c \
                     FROM events WHERE created_by IS NOT NULL AND title LIKE '% · %'), \
              p AS (SELECT p.id, p.office, row_number() OVER (PARTITION BY p.office ORDER BY ord) AS k \
                    FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord) JOIN people p ON p.id = u.id), \
              pick AS (SELECT ev.id AS event_id, p.id AS person_id, ev.capacity, ev.starts_at, \
                              row_number() OVER (PARTITION BY ev.id ORDER BY p.k) AS place \
                       FROM p CROSS JOIN generate_series(0, 1) AS s(slot) \
                       JOIN ev ON ev.office = p.office \
                       AND ev.k = 1 + (p.k * 7 + s.slot * 13) % ev.c) \
         INSERT INTO event_rsvps (event_id, person_id, status, attended, created_at, updated_at) \
         SELECT event_id, person_id, \
                CASE WHEN place <= capacity THEN 'going' ELSE 'waitlisted' END, \
                place <= capacity AND starts_at < $2 AND place % 5 <> 0, \
                starts_at - interval '20 days', starts_at - interval '20 days' \
         FROM pick ON CONFLICT (event_id, person_id) DO NOTHING",
    )
    .bind(person_ids)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // Three pitches per evening from people who RSVPed; two accepted into the lineup.
    sqlx::query(
        "WITH r AS (SELECT event_id, person_id, \
                           row_number() OVER (PARTITION BY event_id ORDER BY id) AS k \
                    FROM event_rsvps WHERE status = 'going'), \
              e AS (SELECT id, starts_at FROM events WHERE title LIKE '% · %') \
         INSERT INTO event_pitches (id, event_id, person_id, title, summary, minutes, \
                                    recording_consent, status, lineup_position, created_at, \
                                    updated_at, decided_at) \
         SELECT gen_random_uuid(), r.event_id, r.person_id, \
                (ARRAY['The night the power went out', 'What my grandmother taught me', \
                       'A wrong turn in Lisbon'])[r.k], \
                'A five-minute story about a moment someone understood me before I said a word.', \
                5, r.k <> 3, CASE WHEN r.k < 3 THEN 'accepted' ELSE 'submitted' END, \
                CASE WHEN r.k < 3 THEN r.k END, e.starts_at - interval '10 days', \
                e.starts_at - interval '10 days', \
                CASE WHEN r.k < 3 THEN e.starts_at - interval '5 days' END \
         FROM r JOIN e ON e.id = r.event_id WHERE r.k <= 3",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// About `per_person` recognitions given by each generated person over the last year, to
/// colleagues spread across the company (mostly on the wall and published), each naming one
/// or two behaviours; some appreciated. A nominator never recognises the same colleague
/// twice here, so the 24-hour rule on repeated behaviours always holds.
#[instrument(skip_all)]
pub async fn recognitions(
    conn: &mut PgConnection,
    person_ids: &[Uuid],
    per_person: i32,
    now: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "WITH p AS (SELECT u.id, u.ord, pe.department, pe.office \
                    FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, ord) \
                    JOIN people pe ON pe.id = u.id), \
              total AS (SELECT count(*) AS c FROM p), \
              pairs AS (SELECT n.id AS nominator_id, n.department AS nd, n.office AS no, \
                               1 + (n.ord - 1 + s.k * 97) % total.c AS recipient_ord, \
                               n.ord, s.k \
                        FROM p n CROSS JOIN total CROSS JOIN generate_series(1, $2) AS s(k)) \
         INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, \
                                   visibility, status, nominator_department, nominator_office, \
                                   recipient_department, recipient_office, submission_key, \
                                   created_at) \
         SELECT gen_random_uuid(), pairs.nominator_id, r.id, \
                (ARRAY['When the release slipped, they stayed calm, asked each of us what we needed and took the client call themselves.', \
                       'They noticed a new joiner eating lunch alone for a week and quietly started a Thursday lunch table.', \
                       'In a tense planning meeting they paused to ask the quietest person what they thought, and it changed the plan.', \
                       'They rewrote our onboarding notes in plain words after hearing two people were too shy to ask.', \
                       'After a hard week they checked in with me privately and took two tasks off my plate without being asked.'])[1 + (pairs.ord + pairs.k) % 5], \
                (c.at AT TIME ZONE 'UTC')::date - 1, \
                CASE WHEN (pairs.ord + pairs.k) % 10 = 0 THEN 'private' ELSE 'wall' END, \
                CASE WHEN (pairs.ord * 3 + pairs.k) % 25 = 0 THEN 'pending' ELSE 'published' END, \
                pairs.nd, pairs.no, r.department, r.office, gen_random_uuid(), c.at \
         FROM pairs JOIN p r ON r.ord = pairs.recipient_ord \
         CROSS JOIN LATERAL (SELECT $3 - ((pairs.ord * 37 + pairs.k * 36) % 525600) \
                                        * interval '1 minute' AS at) c \
         WHERE r.id <> pairs.nominator_id",
    )
    .bind(person_ids)
    .bind(per_person)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "WITH b AS (SELECT id, row_number() OVER (ORDER BY position) AS k, count(*) OVER () AS c \
                    FROM recognition_behaviours WHERE NOT retired), \
              r AS (SELECT r.id, r.nominator_id, r.recipient_id, r.created_at, \
                           abs(hashtext(r.id::text)) AS h \
                    FROM recognitions r JOIN people n ON n.id = r.nominator_id \
                    WHERE n.email LIKE '%@scale.northwind.example') \
         INSERT INTO recognition_behaviour_links (recognition_id, behaviour_id, nominator_id, \
                                                  recipient_id, created_at, window_ends_at) \
         SELECT r.id, b.id, r.nominator_id, r.recipient_id, r.created_at, \
                r.created_at + interval '24 hours' \
         FROM r JOIN b ON b.k = 1 + r.h % b.c OR (r.h % 3 = 0 AND b.k = 1 + (r.h / 7) % b.c) \
         ON CONFLICT DO NOTHING",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "WITH r AS (SELECT r.id, r.recipient_id, abs(hashtext(r.id::text)) AS h \
                    FROM recognitions r JOIN people n ON n.id = r.nominator_id \
                    WHERE n.email LIKE '%@scale.northwind.example' \
                    AND r.status = 'published' AND r.visibility = 'wall'), \
              a AS (SELECT r.id, r.recipient_id, ($1::uuid[])[1 + r.h % cardinality($1::uuid[])] AS person_id \
                    FROM r WHERE r.h % 3 = 0) \
         INSERT INTO recognition_appreciations (recognition_id, person_id, created_at) \
         SELECT id, person_id, $2 FROM a WHERE person_id <> recipient_id ON CONFLICT DO NOTHING",
    )
    .bind(person_ids)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Fresh planner statistics after a bulk load.
pub async fn analyze(conn: &mut PgConnection) -> DbResult<()> {
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

/// The demo company has worked together for a while: its people have been in their
/// department and office since `since`, so the history the demo gives them counts in their
/// groups' figures (see `domain::quiz::GROUP_TENURE_DAYS`).
#[instrument(skip_all)]
pub async fn settle_in_groups(
    conn: &mut PgConnection,
    people: &[Uuid],
    since: DateTime<Utc>,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE people SET department_since = $2, office_since = $2 \
         WHERE id = ANY($1)",
    )
    .bind(people)
    .bind(since)
    .execute(conn)
    .await?;
    Ok(())
}
