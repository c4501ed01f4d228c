//! The Toronto Empathy Questionnaire (TEQ): instrument text and scoring key.
//!
//! This module is the single source of truth for the baseline quiz. It follows
//! `teq.md` exactly: the item wording and order are the instrument and must not
//! be paraphrased, reordered or "improved". Everything here is pure: no I/O,
//! no clocks, no framework types.
//!
//! Only the total (0..=64) is a validated score. The four aspects are Attune's
//! own descriptive grouping by item content, shown to help people choose what
//! to practise; compare aspects by mean, never by sum, because the groups have
//! different sizes.

use std::fmt;

/// Version of the instrument and scoring key, stored with every attempt.
pub const INSTRUMENT_VERSION: i16 = 1;

/// Number of items in the questionnaire.
pub const ITEM_COUNT: usize = 16;

/// Highest possible total score (16 items × 4).
pub const MAX_TOTAL: u8 = 64;

/// Highest score (and highest raw answer) for a single item.
const MAX_ITEM: u8 = 4;

/// The full reference for the instrument, shown on the quiz page and in the README.
pub const CITATION: &str = "Spreng, R. N., McKinnon, M. C., Mar, R. A., & Levine, B. (2009). \
The Toronto Empathy Questionnaire: Scale development and initial validation of a \
factor-analytic solution to multiple empathy measures. Journal of Personality Assessment, \
91(1), 62–71. doi:10.1080/00223890802484381";

/// Instructions shown before the items, verbatim.
pub const INSTRUCTIONS: &str = "Below is a list of statements. Please read each statement \
carefully and rate how frequently you feel or act in the manner described. There are no right \
or wrong answers or trick questions. Please answer each question as honestly as you can.";

/// The typical range quoted when describing a total.
const TYPICAL_LOW: u8 = 40;
const TYPICAL_HIGH: u8 = 50;

/// A change smaller than this (in absolute points) is shown as "about the same".
const MEANINGFUL_CHANGE: i16 = 5;

/// One of the four descriptive aspects of empathy the TEQ items sample.
///
/// These are descriptive only; the TEQ is a single-factor scale and only the
/// total is validated.
///
/// Stored as its slug (`emotional-contagion`); decoding an unknown slug fails.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Aspect {
    /// Catching and sharing the feelings of people around you.
    EmotionalContagion,
    /// Recognising and understanding what others feel.
    EmotionComprehension,
    /// Being moved by other people's distress (sympathetic physiological arousal).
    SympatheticArousal,
    /// Wanting to help and protect others (conspecific altruism).
    ConspecificAltruism,
}

impl Aspect {
    /// All aspects, in their canonical display order.
    pub const ALL: [Aspect; 4] = [
        Aspect::EmotionalContagion,
        Aspect::EmotionComprehension,
        Aspect::SympatheticArousal,
        Aspect::ConspecificAltruism,
    ];

    /// Stable URL/database identifier, e.g. `"emotional-contagion"`.
    pub fn slug(self) -> &'static str {
        self.into()
    }

    /// Inverse of [`Aspect::slug`]; `None` for an unknown slug.
    pub fn from_slug(s: &str) -> Option<Aspect> {
        s.parse().ok()
    }

    /// The plain name people see everywhere (pages, tables, reasons, emails), e.g.
    /// `"Reading emotions"`.
    pub fn name(self) -> &'static str {
        match self {
            Aspect::EmotionalContagion => "Feeling with others",
            Aspect::EmotionComprehension => "Reading emotions",
            Aspect::SympatheticArousal => "Being moved by others' distress",
            Aspect::ConspecificAltruism => "Acting to help",
        }
    }

    /// The questionnaire's own term for the aspect, shown as a secondary line where it
    /// explains (e.g. `"Sympathetic physiological arousal"`); never as a headline.
    pub fn questionnaire_term(self) -> &'static str {
        match self {
            Aspect::EmotionalContagion => "Emotional contagion",
            Aspect::EmotionComprehension => "Emotion comprehension",
            Aspect::SympatheticArousal => "Sympathetic physiological arousal",
            Aspect::ConspecificAltruism => "Conspecific altruism",
        }
    }

    /// A short, plain-English explanation of the aspect.
    pub fn summary(self) -> &'static str {
        match self {
            Aspect::EmotionalContagion => {
                "How readily you pick up and share the feelings around you, like catching a \
                 colleague's excitement about a win. It is the quick, often automatic part of \
                 empathy that helps a team feel connected."
            }
            Aspect::EmotionComprehension => {
                "Noticing and making sense of what others feel, even when they do not say it out \
                 loud. At work it shows up as spotting that a quiet colleague is struggling, or \
                 that a message landed differently than intended."
            }
            Aspect::SympatheticArousal => {
                "Being moved by other people's distress or unfair treatment: the felt concern \
                 that tells you something matters. It is what turns noticing into caring, and it \
                 works best alongside looking after yourself."
            }
            Aspect::ConspecificAltruism => {
                "Wanting to help and support the people around you, and acting on it. At work it \
                 looks like offering a hand, speaking up for someone treated unfairly, or making \
                 a stressful day a little easier for a teammate."
            }
        }
    }

    /// One concrete, observable thing to practise at work this month.
    pub fn practice(self) -> &'static str {
        match self {
            Aspect::EmotionalContagion => {
                "At your next team meeting, when someone shares news, look up from your screen, \
                 notice their tone and expression, and reflect it back in one sentence (for \
                 example, \"You sound really pleased about that\")."
            }
            Aspect::EmotionComprehension => {
                "In your next one-to-one, ask one open question about how the other person is \
                 finding things (for example, \"How are you feeling about the workload this \
                 week?\") and listen to the whole answer before you reply."
            }
            Aspect::SympatheticArousal => {
                "Once a week this month, when a colleague mentions a setback, stop what you are \
                 doing, give them your full attention for two minutes, and say that you are \
                 sorry it happened before offering any fixes."
            }
            Aspect::ConspecificAltruism => {
                "Each week this month, make one specific offer of help to a colleague who seems \
                 stretched (for example, \"I have an hour on Thursday; can I take the first \
                 draft of that off your plate?\") and follow through on it."
            }
        }
    }

    /// The item numbers (1-based, ascending) grouped under this aspect.
    pub fn items(self) -> &'static [u8] {
        match self {
            Aspect::EmotionalContagion => &[1, 4, 9],
            Aspect::EmotionComprehension => &[8, 12, 15],
            Aspect::SympatheticArousal => &[2, 3, 6, 10, 11, 14],
            Aspect::ConspecificAltruism => &[5, 7, 13, 16],
        }
    }
}

/// One questionnaire item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// 1-based item number, as shown to the person.
    pub number: u8,
    /// The item wording, verbatim from the instrument.
    pub text: &'static str,
    /// Whether the item is reverse-scored (score = 4 − answer).
    /// Never shown to the person.
    pub reversed: bool,
    /// The descriptive aspect this item is grouped under.
    pub aspect: Aspect,
}

const fn item(number: u8, text: &'static str, reversed: bool, aspect: Aspect) -> Item {
    Item {
        number,
        text,
        reversed,
        aspect,
    }
}

/// The 16 items, in presentation order (numbers 1..=16).
pub const ITEMS: [Item; ITEM_COUNT] = [
    item(
        1,
        "When someone else is feeling excited, I tend to get excited too",
        false,
        Aspect::EmotionalContagion,
    ),
    item(
        2,
        "Other people's misfortunes do not disturb me a great deal",
        true,
        Aspect::SympatheticArousal,
    ),
    item(
        3,
        "It upsets me to see someone being treated disrespectfully",
        false,
        Aspect::SympatheticArousal,
    ),
    item(
        4,
        "I remain unaffected when someone close to me is happy",
        true,
        Aspect::EmotionalContagion,
    ),
    item(
        5,
        "I enjoy making other people feel better",
        false,
        Aspect::ConspecificAltruism,
    ),
    item(
        6,
        "I have tender, concerned feelings for people less fortunate than me",
        false,
        Aspect::SympatheticArousal,
    ),
    item(
        7,
        "When a friend starts to talk about his or her problems, I try to steer the conversation towards something else",
        true,
        Aspect::ConspecificAltruism,
    ),
    item(
        8,
        "I can tell when others are sad even when they do not say anything",
        false,
        Aspect::EmotionComprehension,
    ),
    item(
        9,
        "I find that I am \"in tune\" with other people's moods",
        false,
        Aspect::EmotionalContagion,
    ),
    item(
        10,
        "I do not feel sympathy for people who cause their own serious illnesses",
        true,
        Aspect::SympatheticArousal,
    ),
    item(
        11,
        "I become irritated when someone cries",
        true,
        Aspect::SympatheticArousal,
    ),
    item(
        12,
        "I am not really interested in how other people feel",
        true,
        Aspect::EmotionComprehension,
    ),
    item(
        13,
        "I get a strong urge to help when I see someone who is upset",
        false,
        Aspect::ConspecificAltruism,
    ),
    item(
        14,
        "When I see someone being treated unfairly, I do not feel very much pity for them",
        true,
        Aspect::SympatheticArousal,
    ),
    item(
        15,
        "I find it silly for people to cry out of happiness",
        true,
        Aspect::EmotionComprehension,
    ),
    item(
        16,
        "When I see someone being taken advantage of, I feel kind of protective towards him or her",
        false,
        Aspect::ConspecificAltruism,
    ),
];

/// One of the five labelled choices offered for every item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    /// 0
    Never,
    /// 1
    Rarely,
    /// 2
    Sometimes,
    /// 3
    Often,
    /// 4
    Always,
}

impl Response {
    /// All choices, in display order (value 0 to 4).
    pub const ALL: [Response; 5] = [
        Response::Never,
        Response::Rarely,
        Response::Sometimes,
        Response::Often,
        Response::Always,
    ];

    /// The raw answer value, 0..=4.
    pub fn value(self) -> u8 {
        match self {
            Response::Never => 0,
            Response::Rarely => 1,
            Response::Sometimes => 2,
            Response::Often => 3,
            Response::Always => 4,
        }
    }

    /// The label shown next to the choice, e.g. `"Never"`.
    pub fn label(self) -> &'static str {
        match self {
            Response::Never => "Never",
            Response::Rarely => "Rarely",
            Response::Sometimes => "Sometimes",
            Response::Often => "Often",
            Response::Always => "Always",
        }
    }

    /// The choice with this raw value; `None` outside 0..=4.
    pub fn from_value(v: i64) -> Option<Response> {
        Response::ALL
            .into_iter()
            .find(|r| i64::from(r.value()) == v)
    }
}

/// A complete, valid set of 16 answers (each 0..=4), in item order.
///
/// The only way to build one is [`Answers::parse`], so holding an `Answers`
/// guarantees it can be scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answers([u8; ITEM_COUNT]);

impl Answers {
    /// Parse possibly-partial raw input: index `i` holds item `i + 1`'s raw
    /// value, `None` when unanswered.
    ///
    /// Any value outside 0..=4 is reported as invalid for that item; unanswered
    /// items are reported as missing. Both lists hold 1-based item numbers in
    /// ascending order.
    pub fn parse(raw: &[Option<i64>; ITEM_COUNT]) -> Result<Answers, IncompleteAnswers> {
        let mut values = [0u8; ITEM_COUNT];
        let mut missing = Vec::new();
        let mut invalid = Vec::new();
        for ((slot, value), item) in values.iter_mut().zip(raw).zip(&ITEMS) {
            match value.map(Response::from_value) {
                None => missing.push(item.number),
                Some(None) => invalid.push(item.number),
                Some(Some(response)) => *slot = response.value(),
            }
        }
        if missing.is_empty() && invalid.is_empty() {
            Ok(Answers(values))
        } else {
            Err(IncompleteAnswers { missing, invalid })
        }
    }

    /// The raw answers (0..=4), index `i` for item `i + 1`.
    pub fn values(&self) -> [u8; ITEM_COUNT] {
        self.0
    }
}

/// Why a submission could not be scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteAnswers {
    /// Item numbers (1-based, ascending) with no answer.
    pub missing: Vec<u8>,
    /// Item numbers (1-based, ascending) whose answer was outside 0..=4.
    pub invalid: Vec<u8>,
}

/// "item 3", "items 3 and 7", "items 3, 7 and 9".
fn item_list(numbers: &[u8]) -> String {
    match numbers {
        [] => String::from("items"),
        [only] => format!("item {only}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(u8::to_string).collect();
            format!("items {} and {last}", init.join(", "))
        }
    }
}

impl fmt::Display for IncompleteAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.missing.is_empty(), self.invalid.is_empty()) {
            (true, true) => f.write_str("Please answer every item."),
            (false, true) => write!(f, "Please answer {}.", item_list(&self.missing)),
            (true, false) => write!(
                f,
                "Please choose one of the five options for {}.",
                item_list(&self.invalid)
            ),
            (false, false) => write!(
                f,
                "Please answer {}, and choose one of the five options for {}.",
                item_list(&self.missing),
                item_list(&self.invalid)
            ),
        }
    }
}

impl std::error::Error for IncompleteAnswers {}

/// The score for one item: the answer for forward items, `4 − answer` for
/// reverse-scored items. Answers above 4 (impossible via [`Answers`]) are
/// treated as 4 so this never panics.
pub fn item_score(item: &Item, answer: u8) -> u8 {
    let answer = answer.min(MAX_ITEM);
    if item.reversed {
        MAX_ITEM - answer
    } else {
        answer
    }
}

/// The descriptive score for one aspect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AspectScore {
    /// Which aspect.
    pub aspect: Aspect,
    /// Mean of the aspect's item scores, 0.0..=4.0.
    pub mean: f64,
    /// `mean / 4 × 100`, rounded to the nearest whole number (halves round up).
    pub percent: u8,
}

/// The result of scoring one complete attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The validated total, 0..=64. The headline of every result.
    pub total: u8,
    /// Descriptive aspect scores, in [`Aspect::ALL`] order.
    pub aspects: [AspectScore; 4],
}

fn aspect_score(aspect: Aspect, item_scores: &[u8; ITEM_COUNT]) -> AspectScore {
    let numbers = aspect.items();
    let sum: u32 = numbers
        .iter()
        .map(|&n| u32::from(item_scores[usize::from(n) - 1]))
        .sum();
    let count = u32::try_from(numbers.len()).expect("aspect has few items");
    let mean = f64::from(sum) / f64::from(count);
    // Integer rounding (half up) of sum / (4 × count) × 100, exact for all inputs.
    let percent = (sum * 100 + 2 * count) / (4 * count);
    AspectScore {
        aspect,
        mean,
        percent: u8::try_from(percent).expect("percent is at most 100"),
    }
}

/// Score a complete set of answers.
pub fn score(answers: &Answers) -> Score {
    let mut item_scores = [0u8; ITEM_COUNT];
    for ((slot, item), &answer) in item_scores.iter_mut().zip(&ITEMS).zip(&answers.0) {
        *slot = item_score(item, answer);
    }
    let total = item_scores.iter().sum();
    let aspects = Aspect::ALL.map(|aspect| aspect_score(aspect, &item_scores));
    Score { total, aspects }
}

impl Score {
    /// Aspects sorted weakest first (lowest mean; ties broken by
    /// [`Aspect::ALL`] order). Used to choose recommendations.
    pub fn weakest_first(&self) -> [AspectScore; 4] {
        weakest_first(self.aspects)
    }
}

/// Aspect scores sorted weakest first (lowest mean; ties broken by [`Aspect::ALL`] order).
pub fn weakest_first(aspects: [AspectScore; 4]) -> [AspectScore; 4] {
    let mut sorted = aspects;
    sorted.sort_by(|a, b| a.mean.total_cmp(&b.mean).then(a.aspect.cmp(&b.aspect)));
    sorted
}

/// A neutral sentence placing a total relative to "a typical range of about
/// 40–50 in published samples". Never labels the person.
pub fn describe_total(total: u8) -> &'static str {
    if total < TYPICAL_LOW {
        "Your total is below the typical range of about 40–50 in published samples. \
         There is no cut-off: totals shift with context and mood, and every aspect of \
         empathy grows with practice."
    } else if total <= TYPICAL_HIGH {
        "Your total is within the typical range of about 40–50 in published samples."
    } else {
        "Your total is above the typical range of about 40–50 in published samples."
    }
}

/// How a total compares with the previous attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Within normal variation (|delta| < 5 points).
    AboutTheSame {
        /// `current − previous`.
        delta: i16,
    },
    /// At least 5 points higher.
    Higher {
        /// `current − previous` (positive).
        delta: i16,
    },
    /// At least 5 points lower.
    Lower {
        /// `current − previous` (negative).
        delta: i16,
    },
}

/// Compare two totals: a change of less than 5 points either way is
/// [`Change::AboutTheSame`].
pub fn compare(previous: u8, current: u8) -> Change {
    let delta = i16::from(current) - i16::from(previous);
    if delta.abs() < MEANINGFUL_CHANGE {
        Change::AboutTheSame { delta }
    } else if delta > 0 {
        Change::Higher { delta }
    } else {
        Change::Lower { delta }
    }
}

impl Change {
    /// Neutral wording, e.g. "About the same as last time (+2)",
    /// "7 points higher than last time", "6 points lower than last time".
    pub fn describe(self) -> String {
        match self {
            Change::AboutTheSame { delta: 0 } => {
                String::from("About the same as last time (no change)")
            }
            Change::AboutTheSame { delta } => format!("About the same as last time ({delta:+})"),
            Change::Higher { delta } => format!("{} points higher than last time", delta.abs()),
            Change::Lower { delta } => format!("{} points lower than last time", delta.abs()),
        }
    }
}

#[cfg(test)]
mod tests;
