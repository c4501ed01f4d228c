//! A perspective exercise: a film, story or article with a text alternative and 2 to 4
//! reflection prompts; a person's private reflections; one-line takeaways for the board.

use uuid::Uuid;

use super::{parse_aspects, required};
use crate::domain::FieldErrors;
use crate::domain::insights::ANONYMITY_THRESHOLD;
use crate::domain::resources::{Kind, ResourceInput, parse_link};
use crate::domain::teq::Aspect;
use crate::domain::text;

pub const PROMPTS_MIN: usize = 2;
pub const PROMPTS_MAX: usize = 4;
/// The most takeaways the board shows at once (a random selection when there are more).
pub const BOARD_SHOWN: i64 = 30;
const PROMPT_MAX_CHARS: usize = 300;
const REFLECTION_MAX_CHARS: usize = 4000;
const TAKEAWAY_MAX_CHARS: usize = 200;

/// What the exercise is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Format {
    Film,
    Story,
    Article,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Film, Format::Story, Format::Article];

    pub fn slug(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Film => "Film",
            Format::Story => "Story",
            Format::Article => "Article",
        }
    }

    /// What the text alternative is called for this format.
    pub fn text_label(self) -> &'static str {
        match self {
            Format::Film => "Transcript",
            Format::Story => "The story",
            Format::Article => "Text alternative",
        }
    }
}

/// The path of an exercise's page, which is also its link in the library.
pub fn exercise_path(id: Uuid) -> String {
    format!("/practice/exercises/{id}")
}

/// An exercise as people see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub minutes: i32,
    pub aspects: Vec<Aspect>,
    pub format: Format,
    pub media_url: Option<String>,
    pub text_alternative: String,
    pub prompts: Vec<String>,
    /// The colleague who told it, when it is a role story and they chose to be named
    /// ("Name, Department").
    pub told_by: Option<String>,
    /// Made from a colleague's role story (named or not).
    pub from_story: bool,
    pub archived: bool,
}

impl Exercise {
    pub fn path(&self) -> String {
        exercise_path(self.id)
    }

    /// The text alternative in paragraphs (blank lines separate them).
    pub fn paragraphs(&self) -> Vec<&str> {
        self.text_alternative
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    pub fn aspect_names(&self) -> String {
        self.aspects
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The exercise form as typed (HR or organizers; also publishing a role story).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ExerciseForm {
    pub title: String,
    pub format: String,
    pub media_url: String,
    pub description: String,
    pub text_alternative: String,
    pub minutes: String,
    pub aspects: Vec<String>,
    pub prompt1: String,
    pub prompt2: String,
    pub prompt3: String,
    pub prompt4: String,
}

impl ExerciseForm {
    pub fn has_aspect(&self, slug: &str) -> bool {
        self.aspects.iter().any(|a| a == slug)
    }

    fn prompts(&self) -> [&str; PROMPTS_MAX] {
        [&self.prompt1, &self.prompt2, &self.prompt3, &self.prompt4]
    }
}

/// A validated exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseInput {
    pub title: String,
    pub format: Format,
    pub media_url: Option<String>,
    pub description: String,
    pub text_alternative: String,
    pub minutes: i32,
    pub aspects: Vec<Aspect>,
    pub prompts: Vec<String>,
}

impl ExerciseInput {
    pub fn parse(form: &ExerciseForm) -> Result<ExerciseInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = required(
            &mut errors,
            "title",
            text::one_line(&form.title, 200, "A title"),
            "Enter a title.",
        );
        let format = form.format.parse::<Format>().ok();
        if format.is_none() {
            errors.add(
                "format",
                "Choose whether it is a film, a story or an article.",
            );
        }
        let media_url = match form.media_url.trim() {
            "" if format == Some(Format::Story) => None,
            "" => {
                errors.add(
                    "media_url",
                    "Enter the link to where your company hosts it (a story told in text needs none).",
                );
                None
            }
            raw => parse_link(raw).map_err(|e| errors.add("media_url", e)).ok(),
        };
        let description = text::paragraphs(&form.description, 1000, "An introduction")
            .map_err(|e| errors.add("description", e))
            .unwrap_or_default();
        let text_alternative = required(
            &mut errors,
            "text_alternative",
            text::paragraphs(&form.text_alternative, 20000, "The text alternative"),
            "Enter the transcript or text, so everyone can take part (without sound, with a screen reader, on a slow connection).",
        );
        let minutes = match form.minutes.trim().parse::<i32>() {
            Ok(n) if (1..=240).contains(&n) => n,
            _ => {
                errors.add(
                    "minutes",
                    "Enter about how many minutes it takes, from 1 to 240.",
                );
                0
            }
        };
        let aspects = parse_aspects(&form.aspects, &mut errors);
        let prompts = parse_prompts(form.prompts(), &mut errors);
        errors.into_result(|| ExerciseInput {
            title,
            format: format.unwrap_or(Format::Film),
            media_url,
            description,
            text_alternative,
            minutes,
            aspects,
            prompts,
        })
    }

    /// The library entry this exercise is: an exercise whose link is its page in Attune.
    pub fn resource(&self, id: Uuid) -> ResourceInput {
        let description = if self.description.is_empty() {
            let what = match self.format {
                Format::Film => "A short film to watch",
                Format::Story => "A colleague's story to read",
                Format::Article => "An article to read",
            };
            format!(
                "{what}, then {} questions to reflect on privately.",
                self.prompts.len()
            )
        } else {
            self.description.clone()
        };
        ResourceInput {
            title: self.title.clone(),
            kind: Kind::Exercise,
            url: exercise_path(id),
            description,
            minutes: self.minutes,
            aspects: self.aspects.clone(),
            max_aspect_percent: None,
            max_total: None,
            departments: vec![],
            offices: vec![],
            review_by: None,
            event: None,
        }
    }
}

fn parse_prompts(raw: [&str; PROMPTS_MAX], errors: &mut FieldErrors) -> Vec<String> {
    const FIELDS: [&str; PROMPTS_MAX] = ["prompt1", "prompt2", "prompt3", "prompt4"];
    let mut prompts = Vec::new();
    for (field, value) in FIELDS.iter().zip(raw) {
        match text::one_line(value, PROMPT_MAX_CHARS, "A question") {
            Ok(p) if p.is_empty() => {}
            Ok(p) => prompts.push(p),
            Err(problem) => errors.add(field, problem),
        }
    }
    if prompts.len() < PROMPTS_MIN {
        errors.add(
            "prompt1",
            format!("Write {PROMPTS_MIN} to {PROMPTS_MAX} reflection questions."),
        );
    }
    prompts
}

/// A person's reflections, one per prompt (empty where not written yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reflections(pub Vec<String>);

impl Reflections {
    /// Whether every prompt has a reflection: the exercise is done.
    pub fn complete(&self, prompts: usize) -> bool {
        self.0.len() >= prompts && self.0.iter().take(prompts).all(|r| !r.is_empty())
    }

    pub fn get(&self, index: usize) -> &str {
        self.0.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Checks reflections as typed (`raw[i]` answers prompt `i + 1`); problems are reported
/// against `reflection1`..`reflection4`. At least one must be written.
pub fn parse_reflections(raw: &[String], prompts: usize) -> Result<Reflections, FieldErrors> {
    const FIELDS: [&str; PROMPTS_MAX] =
        ["reflection1", "reflection2", "reflection3", "reflection4"];
    let mut errors = FieldErrors::new();
    let mut out = Vec::with_capacity(prompts);
    for (i, field) in FIELDS.iter().enumerate().take(prompts) {
        let value = raw.get(i).map(String::as_str).unwrap_or("");
        match text::paragraphs(value, REFLECTION_MAX_CHARS, "A reflection") {
            Ok(text) => out.push(text),
            Err(problem) => {
                errors.add(field, problem);
                out.push(String::new());
            }
        }
    }
    if errors.is_empty() && out.iter().all(String::is_empty) {
        errors.add(
            "reflection1",
            "Write a reflection on at least one question before saving.",
        );
    }
    errors.into_result(|| Reflections(out))
}

/// A one-line takeaway for the board: 1 to 200 characters, no line breaks.
pub fn parse_takeaway(raw: &str) -> Result<String, String> {
    let text = text::one_line(raw, TAKEAWAY_MAX_CHARS, "A takeaway")?;
    if text.is_empty() {
        return Err("Write your takeaway in one line, or leave the board for now.".into());
    }
    Ok(text)
}

/// Whether the takeaway board may show anything: only once enough people have added one
/// that no takeaway can be told apart as one person's.
pub fn board_is_open(takeaways: i64) -> bool {
    takeaways >= ANONYMITY_THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ExerciseForm {
        ExerciseForm {
            title: "A day at the front desk".into(),
            format: "film".into(),
            media_url: "https://intranet.example.org/films/front-desk".into(),
            description: String::new(),
            text_alternative: "Transcript.\n\nSecond paragraph.".into(),
            minutes: "12".into(),
            aspects: vec!["emotion-comprehension".into()],
            prompt1: "What surprised you?".into(),
            prompt2: "What will you ask next time?".into(),
            prompt3: "  ".into(),
            prompt4: String::new(),
        }
    }

    #[test]
    fn an_exercise_needs_two_to_four_prompts_and_a_text_alternative() {
        let input = ExerciseInput::parse(&form()).unwrap();
        assert_eq!(input.prompts.len(), 2);
        assert_eq!(input.resource(Uuid::nil()).url, exercise_path(Uuid::nil()));
        assert_eq!(input.resource(Uuid::nil()).kind, Kind::Exercise);

        let mut one = form();
        one.prompt2.clear();
        let errors = ExerciseInput::parse(&one).unwrap_err();
        assert!(errors.get("prompt1").unwrap().contains("2 to 4"));

        let mut silent = form();
        silent.text_alternative = " ".into();
        let errors = ExerciseInput::parse(&silent).unwrap_err();
        assert!(errors.get("text_alternative").is_some());
    }

    #[test]
    fn only_a_story_may_have_no_link() {
        let mut film = form();
        film.media_url.clear();
        assert!(
            ExerciseInput::parse(&film)
                .unwrap_err()
                .get("media_url")
                .is_some()
        );
        let mut story = film.clone();
        story.format = "story".into();
        assert_eq!(ExerciseInput::parse(&story).unwrap().media_url, None);
        let mut odd = form();
        odd.media_url = "javascript:alert(1)".into();
        assert!(
            ExerciseInput::parse(&odd)
                .unwrap_err()
                .get("media_url")
                .is_some()
        );
    }

    #[test]
    fn reflections_need_one_answer_and_are_complete_when_all_are_written() {
        let none = parse_reflections(&["".into(), " ".into()], 2).unwrap_err();
        assert!(none.get("reflection1").is_some());
        let some = parse_reflections(&["".into(), "I noticed.".into()], 2).unwrap();
        assert!(!some.complete(2));
        let all = parse_reflections(&["Yes.".into(), "I noticed.".into()], 2).unwrap();
        assert!(all.complete(2));
        let bad = parse_reflections(&["a\0b".into()], 2).unwrap_err();
        assert!(bad.get("reflection1").unwrap().contains("control"));
    }

    #[test]
    fn takeaways_are_one_line_and_the_board_opens_at_the_threshold() {
        assert_eq!(
            parse_takeaway(" Ask,\n don't assume "),
            Ok("Ask, don't assume".into())
        );
        assert!(parse_takeaway("   ").is_err());
        assert!(parse_takeaway(&"x".repeat(201)).is_err());
        assert!(!board_is_open(ANONYMITY_THRESHOLD - 1));
        assert!(board_is_open(ANONYMITY_THRESHOLD));
    }
}
