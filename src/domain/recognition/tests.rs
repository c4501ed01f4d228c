//! Unit tests of the recognition rules.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn form(behaviours: Vec<String>) -> NominationForm {
    NominationForm {
        recipient: Uuid::from_u128(7).to_string(),
        behaviours,
        story: "When the release slipped, Ada noticed Ben was overwhelmed and took over the on-call handover so he could rest.".into(),
        happened_on: "2026-03-10".into(),
        visibility: "wall".into(),
    }
}

#[test]
fn a_complete_nomination_parses() {
    let b = Uuid::from_u128(1);
    let parsed = Nomination::parse(&form(vec![b.to_string()]), date("2026-03-12"), &[b]).unwrap();
    assert_eq!(parsed.recipient_id, Uuid::from_u128(7));
    assert_eq!(parsed.behaviour_ids, vec![b]);
    assert_eq!(parsed.visibility, Visibility::Wall);
    assert_eq!(parsed.happened_on, date("2026-03-10"));
}

#[test]
fn every_problem_is_reported_against_its_field() {
    let today = date("2026-03-12");
    let bad = NominationForm {
        recipient: "someone".into(),
        behaviours: vec![],
        story: "Thanks!".into(),
        happened_on: "2026-03-13".into(),
        visibility: "everyone".into(),
    };
    let errors = Nomination::parse(&bad, today, &[]).unwrap_err();
    for field in [
        "recipient",
        "behaviours",
        "story",
        "happened_on",
        "visibility",
    ] {
        assert!(errors.get(field).is_some(), "{field}");
    }
    assert!(errors.get("story").unwrap().contains("you have 7"));
    assert!(errors.get("happened_on").unwrap().contains("future"));
}

#[test]
fn story_length_is_counted_in_characters_after_trimming() {
    let b = Uuid::from_u128(1);
    let today = date("2026-03-12");
    let mut f = form(vec![b.to_string()]);
    f.story = format!("  {}  ", "é".repeat(STORY_MIN));
    assert!(Nomination::parse(&f, today, &[b]).is_ok());
    f.story = "é".repeat(STORY_MIN - 1);
    assert!(Nomination::parse(&f, today, &[b]).is_err());
    f.story = "a".repeat(STORY_MAX);
    assert!(Nomination::parse(&f, today, &[b]).is_ok());
    f.story = "a".repeat(STORY_MAX + 1);
    let errors = Nomination::parse(&f, today, &[b]).unwrap_err();
    assert!(
        errors
            .get("story")
            .unwrap()
            .contains("2000 characters or fewer")
    );
}

#[test]
fn retired_or_unknown_behaviours_are_refused_and_duplicates_merged() {
    let b = Uuid::from_u128(1);
    let today = date("2026-03-12");
    let f = form(vec![Uuid::from_u128(2).to_string()]);
    assert!(
        Nomination::parse(&f, today, &[b])
            .unwrap_err()
            .get("behaviours")
            .is_some()
    );
    let f = form(vec![b.to_string(), b.to_string()]);
    assert_eq!(
        Nomination::parse(&f, today, &[b]).unwrap().behaviour_ids,
        vec![b]
    );
}

#[test]
fn old_dates_are_allowed_but_flagged_as_late() {
    let today = date("2026-03-12");
    assert!(!is_late(date("2026-02-10"), today));
    assert!(is_late(date("2026-02-09"), today));
    let b = Uuid::from_u128(1);
    let mut f = form(vec![b.to_string()]);
    f.happened_on = "2025-11-01".into();
    assert!(Nomination::parse(&f, today, &[b]).is_ok());
}

fn at(hours_ago: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::hours(hours_ago)
}

#[test]
fn the_weekly_limit_reopens_when_the_oldest_leaves_the_window() {
    let now = Utc::now();
    let recent: Vec<_> = [150, 100, 50, 10].iter().map(|h| at(*h, now)).collect();
    assert_eq!(weekly_limit_reopens(&recent, 5, now), None);
    let mut five = recent.clone();
    five.push(at(1, now));
    assert_eq!(
        weekly_limit_reopens(&five, 5, now),
        Some(at(150, now) + Duration::days(7))
    );
    // Older nominations don't count.
    let old = vec![at(24 * 8, now); 5];
    assert_eq!(weekly_limit_reopens(&old, 5, now), None);
    // A lowered limit: the second-oldest must leave too.
    assert_eq!(
        weekly_limit_reopens(&five, 4, now),
        Some(at(100, now) + Duration::days(7))
    );
}

#[test]
fn rules_refuse_self_inactive_limit_and_repeats_in_that_order() {
    let me = Uuid::from_u128(1);
    let them = RecipientFacts {
        id: Uuid::from_u128(2),
        name: "Ben Okafor".into(),
        active: true,
    };
    let now = Utc::now();
    assert_eq!(check_rules(me, Some(&them), &[], 5, vec![], now), Ok(()));
    assert_eq!(
        check_rules(me, None, &[], 5, vec![], now),
        Err(Refusal::UnknownRecipient)
    );
    let me_too = RecipientFacts {
        id: me,
        ..them.clone()
    };
    assert_eq!(
        check_rules(me, Some(&me_too), &[], 5, vec![], now),
        Err(Refusal::SelfNomination)
    );
    let gone = RecipientFacts {
        active: false,
        ..them.clone()
    };
    let refusal = check_rules(me, Some(&gone), &[], 5, vec![], now).unwrap_err();
    assert!(
        refusal
            .message("")
            .contains("Ben Okafor no longer has an active account")
    );
    let full = vec![at(2, now); 5];
    let refusal = check_rules(me, Some(&them), &full, 5, vec![], now).unwrap_err();
    assert_eq!(refusal.field(), "limit");
    assert!(
        refusal
            .message("Monday 16 March")
            .contains("from Monday 16 March")
    );
    let refusal = check_rules(
        me,
        Some(&them),
        &[],
        5,
        vec!["Clarified a misunderstanding".into()],
        now,
    )
    .unwrap_err();
    assert_eq!(refusal.field(), "behaviours");
    assert!(refusal.message("").contains("Clarified a misunderstanding"));
}

fn person(n: u128) -> PersonRef {
    PersonRef {
        id: Uuid::from_u128(n),
        name: format!("Person {n}"),
        department: "Engineering".into(),
        office: "London".into(),
    }
}

fn recognition(status: Status, visibility: Visibility) -> Recognition {
    Recognition {
        id: Uuid::from_u128(99),
        nominator: person(1),
        recipient: person(2),
        behaviours: vec![],
        story: String::new(),
        happened_on: date("2026-03-10"),
        visibility,
        status,
        rejection_reason: None,
        hidden_by_recipient: false,
        under_review: false,
        cross_team: false,
        created_at: Utc::now(),
        appreciations: 0,
        appreciated: false,
    }
}

#[test]
fn private_pending_hidden_and_reported_recognitions_stay_off_the_wall() {
    let other = Uuid::from_u128(3);
    let wall = recognition(Status::Published, Visibility::Wall);
    assert!(wall.on_wall() && wall.visible_to(other, false));

    let private = recognition(Status::Published, Visibility::Private);
    assert!(!private.visible_to(other, false));
    assert!(
        private.visible_to(Uuid::from_u128(2), false),
        "the recipient"
    );
    assert!(
        private.visible_to(Uuid::from_u128(1), false),
        "the nominator"
    );
    assert!(
        !private.visible_to(other, true),
        "HR can't read a published private recognition"
    );

    let pending = recognition(Status::Pending, Visibility::Wall);
    assert!(!pending.visible_to(other, false));
    assert!(
        !pending.visible_to(Uuid::from_u128(2), false),
        "not yet for the recipient"
    );

    let mut hidden = wall.clone();
    hidden.hidden_by_recipient = true;
    assert!(!hidden.on_wall() && !hidden.visible_to(other, false));
    let mut reported = wall.clone();
    reported.under_review = true;
    assert!(!reported.on_wall());
}

#[test]
fn hr_reads_private_text_only_while_moderating_it() {
    let hr = Uuid::from_u128(3);
    for status in [Status::Published, Status::Rejected, Status::Removed] {
        let private = recognition(status, Visibility::Private);
        assert!(!private.hr_may_read(), "{status:?}");
        assert!(!private.visible_to(hr, true), "{status:?}");
    }
    let pending = recognition(Status::Pending, Visibility::Private);
    assert!(pending.hr_may_read() && pending.visible_to(hr, true));
    let mut reported = recognition(Status::Published, Visibility::Private);
    reported.under_review = true;
    assert!(reported.hr_may_read() && reported.visible_to(hr, true));
    // Wall posts stay open to HR in every state (hidden, rejected, removed).
    for status in [Status::Published, Status::Rejected, Status::Removed] {
        let mut wall = recognition(status, Visibility::Wall);
        wall.hidden_by_recipient = true;
        assert!(wall.visible_to(hr, true), "{status:?}");
    }
    // The two people themselves are not affected by being HR or not.
    let private = recognition(Status::Published, Visibility::Private);
    assert!(private.visible_to(Uuid::from_u128(1), true));
    assert!(private.visible_to(Uuid::from_u128(2), true));
}

#[test]
fn hr_exports_keep_private_rows_without_their_text() {
    let mut private = recognition(Status::Published, Visibility::Private);
    private.story = "Something only the recipient should read.".into();
    let mut wall = recognition(Status::Published, Visibility::Wall);
    wall.story = "On the wall for all.".into();
    let out = String::from_utf8(to_hr_csv(vec![private, wall]).unwrap()).unwrap();
    assert!(!out.contains("only the recipient"), "{out}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let stories: Vec<String> = reader
        .records()
        .map(|row| row.unwrap()[10].to_string())
        .collect();
    assert_eq!(stories, vec![PRIVATE_TEXT, "On the wall for all."]);
}

#[test]
fn a_person_reports_a_post_once_and_not_again_after_hr_kept_it() {
    assert_eq!(may_report(true, None), Ok(()));
    assert_eq!(may_report(false, None), Err(ReportRefusal::NotOnWall));
    assert_eq!(
        may_report(false, Some(PreviousReport::Open)),
        Err(ReportRefusal::AlreadyReported)
    );
    assert_eq!(
        may_report(true, Some(PreviousReport::Reviewed)),
        Err(ReportRefusal::AlreadyReviewed)
    );
    assert!(
        ReportRefusal::AlreadyReviewed
            .message()
            .contains("decided to keep it on the wall")
    );
    assert_eq!(
        may_report(false, Some(PreviousReport::Reviewed)),
        Err(ReportRefusal::NotOnWall)
    );
}

#[test]
fn weeks_start_on_monday() {
    assert_eq!(week_start(date("2026-03-12")), date("2026-03-09"));
    assert_eq!(week_start(date("2026-03-09")), date("2026-03-09"));
    assert_eq!(week_start(date("2026-03-15")), date("2026-03-09"));
}

#[test]
fn spotlight_prefers_the_never_invited_then_the_least_recent_then_by_id() {
    let c = |n: u128, last: Option<&str>| Candidate {
        id: Uuid::from_u128(n),
        last_invited: last.map(date),
        invitations: i64::from(last.is_some()),
    };
    let candidates = [
        c(5, Some("2026-03-02")),
        c(4, None),
        c(3, Some("2026-02-23")),
        c(2, None),
        c(1, Some("2026-03-02")),
    ];
    let ids = |v: Vec<Uuid>| v.into_iter().map(|u| u.as_u128()).collect::<Vec<_>>();
    assert_eq!(ids(choose_spotlight(&candidates, 3)), vec![2, 4, 3]);
    assert_eq!(ids(choose_spotlight(&candidates, 5)), vec![2, 4, 3, 1, 5]);
    assert_eq!(ids(choose_spotlight(&candidates, 9)).len(), 5);
    assert!(choose_spotlight(&candidates, 0).is_empty());
    // Last invited in the same week: fewer invitations first, whatever the id.
    let veteran = Candidate {
        invitations: 4,
        ..c(1, Some("2026-03-02"))
    };
    let newer = Candidate {
        invitations: 1,
        ..c(9, Some("2026-03-02"))
    };
    assert_eq!(ids(choose_spotlight(&[veteran, newer], 1)), vec![9]);
}

#[test]
fn over_many_weeks_everyone_is_invited_once_before_anyone_twice() {
    // A department of 7 with 2 invited a week (7 isn't a multiple of 2).
    let mut last: HashMap<Uuid, Option<NaiveDate>> =
        (1..=7).map(|n| (Uuid::from_u128(n), None)).collect();
    let mut times: HashMap<Uuid, usize> = HashMap::new();
    let mut monday = date("2026-01-05");
    for week in 0..30 {
        let candidates: Vec<Candidate> = last
            .iter()
            .map(|(id, last_invited)| Candidate {
                id: *id,
                last_invited: *last_invited,
                invitations: times.get(id).copied().unwrap_or(0) as i64,
            })
            .collect();
        let chosen = choose_spotlight(&candidates, 2);
        assert_eq!(chosen.len(), 2);
        for id in &chosen {
            // Nobody gets a (k+1)-th turn while someone who was there has fewer than k.
            let mine = times.get(id).copied().unwrap_or(0);
            let fewest = last
                .keys()
                .filter(|other| !chosen.contains(other))
                .map(|other| times.get(other).copied().unwrap_or(0))
                .min()
                .unwrap_or(0);
            assert!(
                mine <= fewest,
                "week {week}: {id} had {mine}, someone had {fewest}"
            );
            *times.entry(*id).or_default() += 1;
            last.insert(*id, Some(monday));
        }
        monday += Duration::days(7);
    }
    let counts: Vec<usize> = times.values().copied().collect();
    assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);

    // Someone who joins is invited at the next round.
    let newcomer = Uuid::from_u128(100);
    last.insert(newcomer, None);
    let candidates: Vec<Candidate> = last
        .iter()
        .map(|(id, last_invited)| Candidate {
            id: *id,
            last_invited: *last_invited,
            invitations: times.get(id).copied().unwrap_or(0) as i64,
        })
        .collect();
    assert!(choose_spotlight(&candidates, 2).contains(&newcomer));
}

#[test]
fn date_ranges_are_checked() {
    let range = DateRange::parse("2026-01-01", "2026-03-31").unwrap();
    let (start, end) = range.instants();
    assert_eq!((end - start).num_days(), 90);
    assert!(
        DateRange::parse("2026-03-31", "2026-01-01")
            .unwrap_err()
            .get("to")
            .is_some()
    );
    assert!(
        DateRange::parse("yesterday", "")
            .unwrap_err()
            .get("from")
            .is_some()
    );
    assert!(
        DateRange::parse("2024-01-01", "2026-01-01")
            .unwrap_err()
            .get("to")
            .is_some()
    );
    assert_eq!(
        DateRange::last_days(date("2026-03-31"), 90).from,
        date("2026-01-01")
    );
}

#[test]
fn date_ranges_stay_within_sensible_years_and_never_panic() {
    for (from, to) in [
        ("+262142-12-01", "+262142-12-31"),
        ("-4714-01-01", "-4714-02-01"),
        ("1999-12-31", "2000-01-10"),
        ("2100-12-01", "2101-01-01"),
    ] {
        let errors = DateRange::parse(from, to).unwrap_err();
        let message = errors.get("from").or(errors.get("to")).unwrap();
        assert!(
            message.contains("between the years 2000 and 2100"),
            "{from}..{to}: {message}"
        );
    }
    assert!(DateRange::parse("2000-01-01", "2000-12-31").is_ok());
    assert!(DateRange::parse("2100-01-01", "2100-12-31").is_ok());
    // Even a range built by hand at the end of the calendar has an end.
    let last = DateRange {
        from: NaiveDate::MAX,
        to: NaiveDate::MAX,
    };
    let (start, end) = last.instants();
    assert!(end > start);
}

#[test]
fn texts_refuse_control_characters_but_keep_line_breaks_and_tabs() {
    assert!(
        parse_reason("Names a customer\0.", 500, "x")
            .unwrap_err()
            .contains("can't be shown")
    );
    assert!(parse_reason("Bell \u{7} here", 500, "x").is_err());
    assert!(parse_reason("Escape \u{1b}[31m here", 500, "x").is_err());
    assert_eq!(
        parse_reason("Line one\n\tLine two", 500, "x").unwrap(),
        "Line one\n\tLine two"
    );
    assert!(
        parse_behaviour_label("Listened\0 first")
            .unwrap_err()
            .contains("control characters")
    );
    let b = Uuid::from_u128(1);
    let mut f = form(vec![b.to_string()]);
    f.story = format!("{}\0 and more", STORY_PROMPTS[0].repeat(2));
    let errors = Nomination::parse(&f, date("2026-03-12"), &[b]).unwrap_err();
    assert!(errors.get("story").unwrap().contains("can't be shown"));
    assert!(parse_search("Ben\0").is_err());
    assert_eq!(parse_search("  Ben  ").unwrap(), "Ben");
    assert_eq!(
        parse_search(&"é".repeat(5000)).unwrap().chars().count(),
        SEARCH_MAX
    );
}

#[test]
fn exports_are_formula_safe_and_keep_text_whole() {
    let mut r = recognition(Status::Published, Visibility::Wall);
    r.nominator.name = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
    r.story = "+1 line one, with a comma\n-2 \"quoted\" line two".into();
    r.behaviours = vec!["@risk".into(), "Clarified a misunderstanding".into()];
    let out = String::from_utf8(to_csv(&[r]).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(reader.headers().unwrap().len(), CSV_HEADER.len());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[2], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(&row[9], "'@risk; Clarified a misunderstanding");
    assert_eq!(
        &row[10],
        "'+1 line one, with a comma\n-2 \"quoted\" line two"
    );
    assert_eq!(&row[12], "Published");
}

#[test]
fn settings_are_read_within_their_ranges() {
    assert_eq!(parse_weekly_limit(" 5 "), Ok(5));
    assert!(parse_weekly_limit("0").is_err() && parse_weekly_limit("51").is_err());
    assert_eq!(parse_spotlight_count("0"), Ok(0));
    assert!(parse_spotlight_count("-1").is_err() && parse_spotlight_count("two").is_err());
    assert_eq!(parse_publishing("approval"), Ok(true));
    assert_eq!(parse_publishing("immediately"), Ok(false));
    assert!(parse_publishing("").is_err());
}

#[test]
fn behaviour_labels_and_reasons_are_cleaned() {
    assert_eq!(
        parse_behaviour_label("  Listened   first ").unwrap(),
        "Listened first"
    );
    assert!(parse_behaviour_label("no").is_err());
    assert!(parse_behaviour_label(&"a".repeat(121)).is_err());
    assert_eq!(
        parse_reason(" Names a customer.\r\n", 500, "x").unwrap(),
        "Names a customer."
    );
    assert_eq!(
        parse_reason("   ", 500, "Give a reason.").unwrap_err(),
        "Give a reason."
    );
}

#[test]
fn stored_states_read_back_exactly_and_unknown_ones_are_refused() {
    for status in [
        Status::Pending,
        Status::Published,
        Status::Rejected,
        Status::Removed,
    ] {
        assert_eq!(status.as_str().parse::<Status>(), Ok(status));
    }
    for visibility in [Visibility::Wall, Visibility::Private] {
        assert_eq!(visibility.as_str().parse::<Visibility>(), Ok(visibility));
    }
    assert!("archived".parse::<Status>().is_err());
    assert!("team".parse::<Visibility>().is_err());
    assert_eq!(Status::on_nomination(true), Status::Pending);
    assert_eq!(Status::on_nomination(false), Status::Published);
}

#[test]
fn fairness_rates_compare_groups_of_different_sizes() {
    assert_eq!(per_person(12, 40), "0.3");
    assert_eq!(per_person(3, 4), "0.8");
    assert_eq!(per_person(0, 9), "0.0");
    assert_eq!(per_person(5, 0), "–");
}
