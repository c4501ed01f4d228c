//! What "Download my data" reads: every kind of data Attune holds about a person, one
//! **section** per kind, each read a page at a time so an archive of any size is produced
//! without holding it in memory.
//!
//! # Adding a section
//!
//! A table that holds something about a person (their rows, or rows that name them) needs a
//! section, or the export is incomplete:
//!
//! 1. Write the query: a `SELECT` of the columns to show (named as a person would read them),
//!    for the person `$1`, plus two paging columns that are left out of the export: `_at`
//!    (a `timestamptz`, never NULL: the rows come in this order) and `_key` (text, unique
//!    among rows with the same `_at`, such as `id::text`). Leave out secrets (hashes, tokens)
//!    and anything of anyone else's that the person can't see in Attune.
//! 2. Write the section's function: `fn name(pool, person, after) -> BoxFuture<..>` that calls
//!    [`keyset`] with the query (or reads its rows any other way, a page at a time).
//! 3. Add a [`Section`] to [`SECTIONS`]: its file name, title and a sentence saying what it
//!    holds. The archive gets `json/<name>.json`, `csv/<name>.csv` and a line in `index.html`;
//!    the export round-trip test (tests/api/privacy.rs) checks your rows appear.
//!
//! Each row comes back as a [`Record`]: the columns in the query's order, as JSON values
//! (`row_to_json`), so any column type works without code of its own.

use std::fmt;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use sqlx::{PgPool, Row};
use tracing::instrument;
use uuid::Uuid;

use super::super::DbResult;

/// Rows read per query.
pub const PAGE_SIZE: i64 = 500;

/// One row of a section: column names and values in the query's order (paging columns,
/// those starting with `_`, left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Record(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row as a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                let mut fields = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    if !name.starts_with('_') {
                        fields.push((name, value));
                    }
                }
                Ok(Record(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Where the next page starts (after this `_at`, `_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub DateTime<Utc>, pub String);

/// A page of rows, and where the next page starts (None: this was the last).
pub type Page = (Vec<Record>, Option<Cursor>);

/// Reads one page of a section's rows for a person.
pub type Rows = for<'a> fn(&'a PgPool, Uuid, Option<Cursor>) -> BoxFuture<'a, DbResult<Page>>;

/// One kind of data in the export.
pub struct Section {
    /// The file name (`json/<name>.json`, `csv/<name>.csv`).
    pub name: &'static str,
    pub title: &'static str,
    /// What it holds, in a sentence.
    pub about: &'static str,
    pub rows: Rows,
}

/// Reads a page of `query` (see the module's comment) for `person` after `after`.
#[instrument(skip(pool, query))]
pub async fn keyset(
    pool: &PgPool,
    query: &'static str,
    person: Uuid,
    after: Option<Cursor>,
) -> DbResult<Page> {
    let (at, key) = match after {
        Some(Cursor(at, key)) => (Some(at), key),
        None => (None, String::new()),
    };
    let rows = sqlx::query(&format!(
        "SELECT row_to_json(s)::text AS record, s._at, s._key FROM ({query}) s \
         WHERE $2::timestamptz IS NULL OR (s._at, s._key) > ($2::timestamptz, $3::text) \
         ORDER BY s._at, s._key LIMIT $4"
    ))
    .bind(person)
    .bind(at)
    .bind(key)
    .bind(PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    let mut records = Vec::with_capacity(rows.len());
    let mut last = None;
    for row in &rows {
        let text: String = row.try_get("record")?;
        let record: Record =
            serde_json::from_str(&text).map_err(|err| sqlx::Error::Decode(Box::new(err)))?;
        records.push(record);
        last = Some(Cursor(row.try_get("_at")?, row.try_get("_key")?));
    }
    let next = if rows.len() as i64 == PAGE_SIZE {
        last
    } else {
        None
    };
    Ok((records, next))
}

macro_rules! section_query {
    ($name:ident, $query:expr) => {
        fn $name(
            pool: &PgPool,
            person: Uuid,
            after: Option<Cursor>,
        ) -> BoxFuture<'_, DbResult<Page>> {
            Box::pin(keyset(pool, $query, person, after))
        }
    };
}

section_query!(
    profile,
    "SELECT p.created_at AS _at, p.id::text AS _key, p.display_name AS name, p.email, \
     p.department, p.office, p.time_zone, p.is_organizer AS organizer, p.is_hr_admin AS hr_admin, \
     p.active, p.password_hash IS NOT NULL AS has_a_password, \
     p.sso_subject AS identity_provider_subject, p.created_at AS added_at, \
     p.updated_at, p.email_changed_at, p.last_recognised_at, p.deactivated_at, \
     p.department_since AS in_department_since, p.office_since AS in_office_since \
     FROM people p WHERE p.id = $1"
);

section_query!(
    groups,
    "SELECT greatest(h.valid_from, 'epoch'::timestamptz) AS _at, h.valid_from::text AS _key, \
     h.department, h.office, \
     CASE WHEN isfinite(h.valid_from) THEN h.valid_from END AS moved_in_at, \
     h.valid_until AS moved_out_at \
     FROM group_history h WHERE h.person_id = $1"
);

section_query!(
    quiz_attempts,
    "SELECT a.taken_at AS _at, a.id::text AS _key, a.id, a.taken_at, a.instrument_version, \
     a.answers, a.total, a.emotional_contagion AS feeling_with_others, \
     a.emotion_comprehension AS reading_emotions, \
     a.sympathetic_arousal AS being_moved_by_others_distress, \
     a.conspecific_altruism AS acting_to_help, a.department, a.office \
     FROM quiz_attempts a WHERE a.person_id = $1"
);

section_query!(
    quiz_draft,
    "SELECT d.updated_at AS _at, '' AS _key, d.answers AS saved_answers, d.updated_at \
     FROM quiz_drafts d WHERE d.person_id = $1"
);

section_query!(
    plan,
    "SELECT i.saved_at AS _at, i.resource_id::text AS _key, r.title AS resource, r.url, \
     i.status, i.saved_at, i.done_on, i.helpful \
     FROM plan_items i JOIN resources r ON r.id = i.resource_id WHERE i.person_id = $1"
);

section_query!(
    rsvps,
    "SELECT v.created_at AS _at, v.id::text AS _key, e.title AS story_night, e.starts_at, \
     v.status, v.attended, v.created_at AS replied_at \
     FROM event_rsvps v JOIN events e ON e.id = v.event_id WHERE v.person_id = $1"
);

section_query!(
    pitches,
    "SELECT p.created_at AS _at, p.id::text AS _key, e.title AS story_night, p.title, \
     p.summary, p.minutes, p.content_note, p.recording_consent, p.status, \
     p.organizer_message, p.lineup_position, p.created_at, p.decided_at \
     FROM event_pitches p JOIN events e ON e.id = p.event_id WHERE p.person_id = $1"
);

section_query!(
    notes_received,
    "SELECT n.created_at AS _at, n.id::text AS _key, s.title AS your_story, \
     a.display_name AS written_by, n.body AS note, n.created_at \
     FROM event_resonance_notes n JOIN event_pitches s ON s.id = n.pitch_id \
     JOIN people a ON a.id = n.author_id WHERE s.person_id = $1"
);

section_query!(
    notes_written,
    "SELECT n.created_at AS _at, n.id::text AS _key, s.title AS story, n.body AS note, \
     n.created_at FROM event_resonance_notes n JOIN event_pitches s ON s.id = n.pitch_id \
     WHERE n.author_id = $1"
);

section_query!(
    recognitions_received,
    "SELECT r.created_at AS _at, r.id::text AS _key, r.id, \
     coalesce(n.display_name, 'A former colleague') AS recognised_by, \
     ARRAY(SELECT b.label FROM recognition_behaviour_links l \
           JOIN recognition_behaviours b ON b.id = l.behaviour_id \
           WHERE l.recognition_id = r.id ORDER BY b.position) AS behaviours, \
     r.story, r.happened_on, r.visibility, r.hidden_by_recipient AS taken_off_the_wall, \
     r.created_at FROM recognitions r LEFT JOIN people n ON n.id = r.nominator_id \
     WHERE r.recipient_id = $1 AND r.status = 'published'"
);

section_query!(
    recognitions_given,
    "SELECT r.created_at AS _at, r.id::text AS _key, r.id, p.display_name AS recipient, \
     ARRAY(SELECT b.label FROM recognition_behaviour_links l \
           JOIN recognition_behaviours b ON b.id = l.behaviour_id \
           WHERE l.recognition_id = r.id ORDER BY b.position) AS behaviours, \
     r.story, r.happened_on, r.visibility, r.status, r.rejection_reason AS reason_declined, \
     r.created_at FROM recognitions r JOIN people p ON p.id = r.recipient_id \
     WHERE r.nominator_id = $1"
);

section_query!(
    appreciations,
    "SELECT a.created_at AS _at, a.recognition_id::text AS _key, \
     a.recognition_id AS recognition, a.created_at AS appreciated_at \
     FROM recognition_appreciations a WHERE a.person_id = $1"
);

section_query!(
    reports,
    "SELECT r.created_at AS _at, r.recognition_id::text AS _key, \
     r.recognition_id AS recognition, r.reason, r.created_at AS reported_at, r.resolved_at \
     FROM recognition_reports r WHERE r.reporter_id = $1"
);

section_query!(
    spotlight,
    "SELECT s.week_start::timestamp AT TIME ZONE 'UTC' AS _at, '' AS _key, \
     s.week_start AS week, s.department FROM spotlight_invitations s WHERE s.person_id = $1"
);

section_query!(
    story_nights_organised,
    "SELECT e.created_at AS _at, e.id::text AS _key, e.title, e.starts_at, e.status, \
     e.created_at FROM events e WHERE e.created_by = $1"
);

section_query!(
    notifications,
    "SELECT n.created_at AS _at, n.id::text AS _key, n.kind, n.text, n.link, n.created_at, \
     n.read_at FROM notifications n WHERE n.person_id = $1"
);

section_query!(
    email,
    "SELECT o.created_at AS _at, o.id::text AS _key, o.kind, o.to_address, o.subject, \
     CASE WHEN o.kind IN ('invitation', 'password_reset') \
          THEN '(left out: it held a single-use sign-in link)' ELSE o.text_body END AS text, \
     o.status, o.created_at, o.sent_at FROM outbox o WHERE o.person_id = $1"
);

section_query!(
    mail_preferences,
    "SELECT m.updated_at AS _at, m.kind AS _key, m.kind, m.wanted, m.updated_at \
     FROM mail_preferences m WHERE m.person_id = $1"
);

section_query!(
    sign_in_history,
    "SELECT s.at AS _at, s.id::text AS _key, s.at, host(s.ip) AS address, s.succeeded, \
     s.device IS NOT NULL AS browser_had_signed_in_before \
     FROM sign_in_attempts s WHERE s.email = (SELECT email FROM people WHERE id = $1)"
);

section_query!(
    password_reset_requests,
    "SELECT r.at AS _at, r.id::text AS _key, r.at, host(r.ip) AS address \
     FROM password_reset_requests r WHERE r.email = (SELECT email FROM people WHERE id = $1)"
);

section_query!(
    sessions,
    "SELECT s.expiry_date AS _at, s.id AS _key, s.expiry_date AS expires_at \
     FROM sessions s WHERE s.person_id = $1"
);

section_query!(
    calendar_feed,
    "SELECT f.created_at AS _at, '' AS _key, f.created_at \
     FROM event_calendar_feeds f WHERE f.person_id = $1"
);

section_query!(
    audit_record,
    "SELECT l.at AS _at, lpad(l.id::text, 20, '0') AS _key, l.at, l.action, l.record_kind, \
     l.record_id, CASE WHEN l.actor = $1 THEN 'you' ELSE 'an administrator' END AS done_by, \
     CASE WHEN l.actor = $1 THEN host(l.ip) END AS address, l.details \
     FROM audit_log l WHERE l.actor = $1 OR l.person = $1"
);

section_query!(
    pulse_rounds_answered,
    "SELECT r.opens_on::timestamp AT TIME ZONE 'UTC' AS _at, r.id::text AS _key, \
     p.title AS pulse_check, r.number AS round, r.opens_on, r.closes_on \
     FROM pulse_answered a JOIN pulse_rounds r ON r.id = a.round_id \
     JOIN pulses p ON p.id = r.pulse_id WHERE a.person_id = $1"
);

section_query!(
    conversation_pairs_settings,
    "SELECT c.joined_at AS _at, '' AS _key, c.cadence_weeks AS every_weeks, c.mode, c.paused, \
     c.next_due, c.joined_at FROM pair_participants c WHERE c.person_id = $1"
);

section_query!(
    conversation_pairs,
    "SELECT m.week_start::timestamp AT TIME ZONE 'UTC' AS _at, g.id::text AS _key, \
     m.week_start AS week, g.mode, \
     ARRAY(SELECT o.display_name FROM pair_members om JOIN people o ON o.id = om.person_id \
           WHERE om.group_id = g.id AND om.person_id <> $1 ORDER BY o.display_name) AS paired_with, \
     g.outcome, g.marked_at FROM pair_members m JOIN pair_groups g ON g.id = m.group_id \
     WHERE m.person_id = $1"
);

section_query!(
    learning_circles,
    "SELECT s.signed_up_at AS _at, s.programme_id::text AS _key, p.theme, s.signed_up_at, \
     c.number AS circle, m.joined_at, m.left_at \
     FROM circle_signups s JOIN circle_programmes p ON p.id = s.programme_id \
     LEFT JOIN circle_members m ON m.programme_id = s.programme_id AND m.person_id = $1 \
     LEFT JOIN circles c ON c.id = m.circle_id WHERE s.person_id = $1"
);

section_query!(
    circle_notes_written,
    "SELECT n.created_at AS _at, n.id::text AS _key, p.theme, c.number AS circle, n.body AS note, \
     n.created_at FROM circle_notes n JOIN circles c ON c.id = n.circle_id \
     JOIN circle_programmes p ON p.id = c.programme_id WHERE n.author_id = $1"
);

section_query!(
    circle_reviews_written,
    "SELECT v.updated_at AS _at, v.circle_id::text || v.session_id::text AS _key, p.theme, \
     c.number AS circle, s.starts_at AS session, v.what_happened, \
     v.roles_learned AS what_we_learned_about_each_others_roles, v.will_try AS what_we_will_try, \
     v.updated_at FROM circle_reviews v JOIN circles c ON c.id = v.circle_id \
     JOIN circle_programmes p ON p.id = c.programme_id \
     JOIN circle_sessions s ON s.id = v.session_id WHERE v.written_by = $1"
);

section_query!(
    exercise_reflections,
    "SELECT r.written_at AS _at, r.exercise_id::text || r.prompt::text AS _key, \
     x.title AS exercise, e.prompts[r.prompt] AS question, r.body AS reflection, r.written_at \
     FROM practice_reflections r JOIN practice_exercises e ON e.resource_id = r.exercise_id \
     JOIN resources x ON x.id = r.exercise_id WHERE r.person_id = $1"
);

section_query!(
    exercise_takeaways,
    "SELECT x.created_at AS _at, g.exercise_id::text AS _key, x.title AS exercise \
     FROM practice_takeaway_givers g JOIN resources x ON x.id = g.exercise_id \
     WHERE g.person_id = $1"
);

section_query!(
    role_stories,
    "SELECT s.submitted_at AS _at, s.id::text AS _key, s.title, s.body AS story, s.named, \
     s.status, s.decline_reason AS reason_declined, s.submitted_at, s.decided_at \
     FROM practice_role_stories s WHERE s.person_id = $1"
);

section_query!(
    kindness_challenges,
    "SELECT a.accepted_at AS _at, a.month::text AS _key, a.month, c.title AS challenge, \
     a.department, a.office, a.accepted_at FROM practice_acceptances a \
     JOIN practice_challenges c ON c.month = a.month WHERE a.person_id = $1"
);

section_query!(
    journal,
    "SELECT j.created_at AS _at, j.id::text AS _key, j.happened_on, j.what AS what_happened, \
     j.noticed AS what_i_noticed, j.created_at FROM practice_journal j WHERE j.person_id = $1"
);

/// Every section of the export, in the order of the archive's index.
pub const SECTIONS: &[Section] = &[
    Section {
        name: "profile",
        title: "Profile",
        about: "Your name, email, department, office, time zone, roles and account dates. Your password is stored only as a one-way hash, which is not included.",
        rows: profile,
    },
    Section {
        name: "groups",
        title: "Departments and offices",
        about: "The departments and offices you have been in and when you moved (no date for groups you were in before Attune kept moves). The program's figures count what you did in the groups you were in at the time.",
        rows: groups,
    },
    Section {
        name: "quiz_attempts",
        title: "Quiz attempts",
        about: "Each baseline quiz you finished: your 16 answers (0 to 4, in question order), your total and the four aspects, and your department and office at the time.",
        rows: quiz_attempts,
    },
    Section {
        name: "quiz_draft",
        title: "Saved quiz answers",
        about: "Answers you saved with \u{201c}Save and continue later\u{201d} (empty answers are null).",
        rows: quiz_draft,
    },
    Section {
        name: "plan",
        title: "My plan",
        about: "Resources you saved, finished (with your rating) or marked \u{201c}Not for me\u{201d}.",
        rows: plan,
    },
    Section {
        name: "rsvps",
        title: "Story night replies",
        about: "Story nights you're going to or waiting for, and whether you attended.",
        rows: rsvps,
    },
    Section {
        name: "pitches",
        title: "Story pitches",
        about: "Stories you pitched, with the organizer's decision and message.",
        rows: pitches,
    },
    Section {
        name: "notes_received",
        title: "Notes you received",
        about: "\u{201c}This resonated with me\u{201d} notes people left you about your stories.",
        rows: notes_received,
    },
    Section {
        name: "notes_written",
        title: "Notes you wrote",
        about: "\u{201c}This resonated with me\u{201d} notes you left storytellers.",
        rows: notes_written,
    },
    Section {
        name: "recognitions_received",
        title: "Recognitions you received",
        about: "Published recognitions of you, public and private, with who wrote them.",
        rows: recognitions_received,
    },
    Section {
        name: "recognitions_given",
        title: "Recognitions you gave",
        about: "Every nomination you made, in every state, with HR's reason if one was declined.",
        rows: recognitions_given,
    },
    Section {
        name: "appreciations",
        title: "Appreciations",
        about: "Wall posts you appreciated.",
        rows: appreciations,
    },
    Section {
        name: "reports",
        title: "Reports",
        about: "Wall posts you reported to HR, with your reason.",
        rows: reports,
    },
    Section {
        name: "spotlight",
        title: "Spotlight invitations",
        about: "Weeks you were invited as a spotlight nominator.",
        rows: spotlight,
    },
    Section {
        name: "story_nights_organised",
        title: "Story nights you created",
        about: "Story nights you created as an organizer.",
        rows: story_nights_organised,
    },
    Section {
        name: "notifications",
        title: "Notifications",
        about: "Notifications in Attune, and when you read them.",
        rows: notifications,
    },
    Section {
        name: "email",
        title: "Email",
        about: "Email Attune sent or is sending you (the text of invitations and password resets is left out: it held a sign-in link).",
        rows: email,
    },
    Section {
        name: "mail_preferences",
        title: "Email choices",
        about: "Kinds of email you turned on or off.",
        rows: mail_preferences,
    },
    Section {
        name: "sign_in_history",
        title: "Sign-in history",
        about: "Sign-in attempts with your email: when, from which address, and whether they succeeded.",
        rows: sign_in_history,
    },
    Section {
        name: "password_reset_requests",
        title: "Password reset requests",
        about: "\u{201c}Forgot your password?\u{201d} requests for your email, and from which address.",
        rows: password_reset_requests,
    },
    Section {
        name: "sessions",
        title: "Signed-in sessions",
        about: "Browsers signed in to your account and when each session expires.",
        rows: sessions,
    },
    Section {
        name: "calendar_feed",
        title: "Calendar feed",
        about: "When you created your private calendar feed (only a digest of its secret address is stored).",
        rows: calendar_feed,
    },
    Section {
        name: "audit_record",
        title: "Audit record",
        about: "Administrative actions you took, and those taken about you (who took them is left out).",
        rows: audit_record,
    },
    Section {
        name: "pulse_rounds_answered",
        title: "Pulse checks answered",
        about: "The pulse check rounds you answered. Your answers themselves are stored apart from who gave them, so they cannot be found as yours and are not included.",
        rows: pulse_rounds_answered,
    },
    Section {
        name: "conversation_pairs_settings",
        title: "Conversation pairs: your choices",
        about: "How often and how you take part in conversation pairs, and whether you paused.",
        rows: conversation_pairs_settings,
    },
    Section {
        name: "conversation_pairs",
        title: "Conversation pairs",
        about: "Each week you were paired: with whom, in person or by video, and whether it happened.",
        rows: conversation_pairs,
    },
    Section {
        name: "learning_circles",
        title: "Learning circles",
        about: "Circle programmes you signed up for, and the circle you were in.",
        rows: learning_circles,
    },
    Section {
        name: "circle_notes_written",
        title: "Circle notes you wrote",
        about: "Notes you left on your circles' pages.",
        rows: circle_notes_written,
    },
    Section {
        name: "circle_reviews_written",
        title: "Circle reviews you wrote",
        about: "The after-session reviews you last saved for your circles.",
        rows: circle_reviews_written,
    },
    Section {
        name: "exercise_reflections",
        title: "Exercise reflections",
        about: "Your private reflections on perspective exercises, question by question.",
        rows: exercise_reflections,
    },
    Section {
        name: "exercise_takeaways",
        title: "Exercise takeaways",
        about: "Exercises where you added a takeaway to the shared board. The takeaways are stored without who wrote them, so yours cannot be found and is not included.",
        rows: exercise_takeaways,
    },
    Section {
        name: "role_stories",
        title: "Role stories",
        about: "The stories of your role you sent to HR, and what HR decided.",
        rows: role_stories,
    },
    Section {
        name: "kindness_challenges",
        title: "Kindness challenges",
        about: "The monthly challenges you accepted, with your department and office then.",
        rows: kindness_challenges,
    },
    Section {
        name: "journal",
        title: "Journal",
        about: "Your private journal entries.",
        rows: journal,
    },
];
