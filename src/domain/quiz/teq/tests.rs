//! The TEQ unit tests: worked examples, the scoring key item by item, the item text, parsing
//! and properties of scoring.

use super::*;
use proptest::prelude::*;

const FORWARD: [u8; 8] = [1, 3, 5, 6, 8, 9, 13, 16];
const REVERSED: [u8; 8] = [2, 4, 7, 10, 11, 12, 14, 15];

fn answers(values: [u8; ITEM_COUNT]) -> Answers {
    Answers::parse(&values.map(|v| Some(i64::from(v)))).expect("valid answers")
}

fn with_item(number: u8, value: u8) -> Answers {
    let mut values = [2u8; ITEM_COUNT];
    values[usize::from(number) - 1] = value;
    answers(values)
}

#[test]
fn constants_match_items() {
    assert_eq!(ITEMS.len(), ITEM_COUNT);
    assert_eq!(usize::from(MAX_TOTAL), ITEM_COUNT * 4);
    assert_eq!(INSTRUMENT_VERSION, 1);
    assert!(CITATION.contains("doi:10.1080/00223890802484381"));
    assert!(CITATION.contains("91(1), 62–71"));
    assert!(INSTRUCTIONS.starts_with("Below is a list of statements."));
    assert!(INSTRUCTIONS.ends_with("Please answer each question as honestly as you can."));
}

#[test]
fn items_are_numbered_in_order() {
    for (item, expected) in ITEMS.iter().zip(1u8..) {
        assert_eq!(item.number, expected);
    }
}

#[test]
fn worked_example_all_sometimes() {
    let s = score(&answers([2; ITEM_COUNT]));
    assert_eq!(s.total, 32);
    for a in s.aspects {
        assert_eq!(a.mean, 2.0);
        assert_eq!(a.percent, 50);
    }
}

#[test]
fn worked_example_maximum() {
    let mut values = [0u8; ITEM_COUNT];
    for n in FORWARD {
        values[usize::from(n) - 1] = 4;
    }
    let s = score(&answers(values));
    assert_eq!(s.total, 64);
    assert_eq!(s.total, MAX_TOTAL);
    for a in s.aspects {
        assert_eq!(a.mean, 4.0);
        assert_eq!(a.percent, 100);
    }
}

#[test]
fn worked_example_all_never() {
    let s = score(&answers([0; ITEM_COUNT]));
    assert_eq!(s.total, 32);
}

#[test]
fn each_reversed_item_individually() {
    let baseline = i16::from(score(&answers([2; ITEM_COUNT])).total);
    for n in REVERSED {
        let item = &ITEMS[usize::from(n) - 1];
        assert!(item.reversed, "item {n} should be reversed");
        assert_eq!(item_score(item, 4), 0, "item {n}");
        assert_eq!(item_score(item, 0), 4, "item {n}");
        let total = i16::from(score(&with_item(n, 4)).total);
        assert_eq!(total - baseline, -2, "item {n}");
    }
}

#[test]
fn each_forward_item_individually() {
    let baseline = i16::from(score(&answers([2; ITEM_COUNT])).total);
    for n in FORWARD {
        let item = &ITEMS[usize::from(n) - 1];
        assert!(!item.reversed, "item {n} should be forward");
        assert_eq!(item_score(item, 4), 4, "item {n}");
        assert_eq!(item_score(item, 0), 0, "item {n}");
        let total = i16::from(score(&with_item(n, 4)).total);
        assert_eq!(total - baseline, 2, "item {n}");
    }
}

#[test]
fn exactly_eight_reversed_items() {
    let reversed: Vec<u8> = ITEMS
        .iter()
        .filter(|i| i.reversed)
        .map(|i| i.number)
        .collect();
    assert_eq!(reversed, REVERSED.to_vec());
}

#[test]
fn aspect_grouping_matches_spec() {
    assert_eq!(Aspect::EmotionalContagion.items(), &[1, 4, 9]);
    assert_eq!(Aspect::EmotionComprehension.items(), &[8, 12, 15]);
    assert_eq!(Aspect::SympatheticArousal.items(), &[2, 3, 6, 10, 11, 14]);
    assert_eq!(Aspect::ConspecificAltruism.items(), &[5, 7, 13, 16]);
}

#[test]
fn every_item_in_exactly_one_aspect() {
    for item in &ITEMS {
        let owners: Vec<Aspect> = Aspect::ALL
            .into_iter()
            .filter(|a| a.items().contains(&item.number))
            .collect();
        assert_eq!(owners, vec![item.aspect], "item {}", item.number);
    }
    let total: usize = Aspect::ALL.iter().map(|a| a.items().len()).sum();
    assert_eq!(total, ITEM_COUNT);
}

#[test]
fn item_wording_spot_checks() {
    assert_eq!(
        ITEMS[6].text,
        "When a friend starts to talk about his or her problems, I try to steer the conversation towards something else"
    );
    assert_eq!(
        ITEMS[8].text,
        "I find that I am \"in tune\" with other people's moods"
    );
    assert_eq!(
        ITEMS[0].text,
        "When someone else is feeling excited, I tend to get excited too"
    );
    assert_eq!(
        ITEMS[15].text,
        "When I see someone being taken advantage of, I feel kind of protective towards him or her"
    );
}

#[test]
fn aspect_slugs_round_trip() {
    for a in Aspect::ALL {
        assert_eq!(Aspect::from_slug(a.slug()), Some(a));
        assert!(!a.name().is_empty());
        assert!(!a.summary().is_empty());
        assert!(!a.practice().is_empty());
    }
    assert_eq!(Aspect::from_slug("nope"), None);
    assert_eq!(
        Aspect::SympatheticArousal.name(),
        "Being moved by others' distress"
    );
    assert_eq!(
        Aspect::SympatheticArousal.questionnaire_term(),
        "Sympathetic physiological arousal"
    );
}

#[test]
fn response_values_and_labels() {
    let labels: Vec<&str> = Response::ALL.iter().map(|r| r.label()).collect();
    assert_eq!(labels, ["Never", "Rarely", "Sometimes", "Often", "Always"]);
    for (r, v) in Response::ALL.into_iter().zip(0u8..) {
        assert_eq!(r.value(), v);
        assert_eq!(Response::from_value(i64::from(v)), Some(r));
    }
    assert_eq!(Response::from_value(5), None);
    assert_eq!(Response::from_value(-1), None);
}

#[test]
fn parse_reports_missing_and_invalid() {
    let mut raw = [Some(2i64); ITEM_COUNT];
    raw[2] = None;
    raw[6] = None;
    raw[4] = Some(5);
    raw[8] = Some(-1);
    let err = Answers::parse(&raw).unwrap_err();
    assert_eq!(err.missing, vec![3, 7]);
    assert_eq!(err.invalid, vec![5, 9]);
    let msg = err.to_string();
    assert!(msg.contains("items 3 and 7"), "{msg}");
    assert!(msg.contains("items 5 and 9"), "{msg}");
}

#[test]
fn parse_messages() {
    let only_missing = IncompleteAnswers {
        missing: vec![3, 7],
        invalid: vec![],
    };
    assert_eq!(only_missing.to_string(), "Please answer items 3 and 7.");
    let one = IncompleteAnswers {
        missing: vec![12],
        invalid: vec![],
    };
    assert_eq!(one.to_string(), "Please answer item 12.");
    let three = IncompleteAnswers {
        missing: vec![1, 2, 16],
        invalid: vec![],
    };
    assert_eq!(three.to_string(), "Please answer items 1, 2 and 16.");
    let invalid = IncompleteAnswers {
        missing: vec![],
        invalid: vec![4],
    };
    assert_eq!(
        invalid.to_string(),
        "Please choose one of the five options for item 4."
    );
}

#[test]
fn parse_empty_reports_all_missing() {
    let err = Answers::parse(&[None; ITEM_COUNT]).unwrap_err();
    assert_eq!(err.missing, (1..=16).collect::<Vec<u8>>());
    assert!(err.invalid.is_empty());
}

#[test]
fn parse_accepts_complete_input() {
    let raw: [Option<i64>; ITEM_COUNT] =
        std::array::from_fn(|i| Some(i64::try_from(i % 5).unwrap()));
    let parsed = Answers::parse(&raw).expect("complete");
    let expected: [u8; ITEM_COUNT] = std::array::from_fn(|i| u8::try_from(i % 5).unwrap());
    assert_eq!(parsed.values(), expected);
}

#[test]
fn weakest_first_orders_by_mean_then_canonical_order() {
    // All equal: canonical order.
    let s = score(&answers([2; ITEM_COUNT]));
    let order: Vec<Aspect> = s.weakest_first().iter().map(|a| a.aspect).collect();
    assert_eq!(order, Aspect::ALL.to_vec());
    // Make conspecific altruism weakest: forward item 13 answered 0.
    let s = score(&with_item(13, 0));
    assert_eq!(s.weakest_first()[0].aspect, Aspect::ConspecificAltruism);
    // Make emotion comprehension strongest: item 8 answered 4.
    let s = score(&with_item(8, 4));
    assert_eq!(s.weakest_first()[3].aspect, Aspect::EmotionComprehension);
}

#[test]
fn percent_rounds_half_up() {
    // Sympathetic arousal (6 items): item scores summing to 3 give mean 0.5 → 12.5% → 13%.
    let mut values = [0u8; ITEM_COUNT];
    for n in FORWARD {
        values[usize::from(n) - 1] = 4;
    }
    for n in REVERSED {
        values[usize::from(n) - 1] = 4; // reversed → score 0
    }
    values[2] = 3; // item 3 (forward, sympathetic arousal) → score 3
    for n in Aspect::SympatheticArousal.items() {
        if *n != 3 && !ITEMS[usize::from(*n) - 1].reversed {
            values[usize::from(*n) - 1] = 0;
        }
    }
    let s = score(&answers(values));
    let sa = s.aspects[2];
    assert_eq!(sa.aspect, Aspect::SympatheticArousal);
    assert_eq!(sa.mean, 0.5);
    assert_eq!(sa.percent, 13);
}

#[test]
fn compare_thresholds() {
    assert_eq!(compare(40, 44), Change::AboutTheSame { delta: 4 });
    assert_eq!(compare(44, 40), Change::AboutTheSame { delta: -4 });
    assert_eq!(compare(40, 45), Change::Higher { delta: 5 });
    assert_eq!(compare(45, 40), Change::Lower { delta: -5 });
    assert_eq!(compare(40, 40), Change::AboutTheSame { delta: 0 });
}

#[test]
fn change_descriptions() {
    assert_eq!(
        compare(40, 42).describe(),
        "About the same as last time (+2)"
    );
    assert_eq!(
        compare(42, 40).describe(),
        "About the same as last time (-2)"
    );
    assert_eq!(
        compare(40, 40).describe(),
        "About the same as last time (no change)"
    );
    assert_eq!(compare(40, 47).describe(), "7 points higher than last time");
    assert_eq!(compare(46, 40).describe(), "6 points lower than last time");
}

#[test]
fn describe_total_is_neutral_and_mentions_range() {
    for total in 0..=MAX_TOTAL {
        let text = describe_total(total);
        assert!(
            !text.to_lowercase().contains("low empathy"),
            "{total}: {text}"
        );
        assert!(text.contains("40–50"), "{total}: {text}");
    }
    let below = describe_total(39);
    let within_low = describe_total(40);
    let within_high = describe_total(50);
    let above = describe_total(51);
    assert_eq!(within_low, within_high);
    assert_ne!(below, within_low);
    assert_ne!(above, within_low);
    assert_ne!(below, above);
}

proptest! {
    #[test]
    fn scoring_properties(values in prop::array::uniform16(0u8..=4)) {
        let s = score(&answers(values));
        let expected: u32 = ITEMS
            .iter()
            .zip(values)
            .map(|(item, v)| u32::from(if item.reversed { 4 - v } else { v }))
            .sum();
        prop_assert_eq!(u32::from(s.total), expected);
        prop_assert!(s.total <= MAX_TOTAL);
        for (a, aspect) in s.aspects.iter().zip(Aspect::ALL) {
            prop_assert_eq!(a.aspect, aspect);
            prop_assert!((0.0..=4.0).contains(&a.mean));
            prop_assert_eq!(f64::from(a.percent), (a.mean * 25.0).round());
        }
    }
}

#[test]
fn aspect_slugs_are_the_stored_strings() {
    let slugs: Vec<&str> = Aspect::ALL.iter().map(|a| a.slug()).collect();
    assert_eq!(
        slugs,
        [
            "emotional-contagion",
            "emotion-comprehension",
            "sympathetic-arousal",
            "conspecific-altruism"
        ]
    );
}
