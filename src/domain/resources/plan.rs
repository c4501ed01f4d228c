//! A person's plan: where a resource stands for them, and what HR sees of plans (engagement).

/// Where a resource stands in a person's plan.
/// Stored as `saved`, `done` or `dismissed`; decoding anything else fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum PlanStatus {
    Saved,
    Done,
    Dismissed,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Finished and dismissed resources are never recommended to the person again (the
    /// candidate query in `db::resources` says the same in SQL).
    pub fn keeps_out_of_recommendations(self) -> bool {
        matches!(self, PlanStatus::Done | PlanStatus::Dismissed)
    }
}

/// What a person can do with a resource from their plan or a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// Save it, mark it done or dismiss it.
    Set(PlanStatus),
    Remove,
    /// Say whether a finished resource helped.
    Rate {
        helpful: bool,
    },
}

impl PlanAction {
    /// The action a plan form's button names; `None` for anything else.
    pub fn parse(raw: &str) -> Option<PlanAction> {
        Some(match raw {
            "save" => PlanAction::Set(PlanStatus::Saved),
            "done" => PlanAction::Set(PlanStatus::Done),
            "dismiss" => PlanAction::Set(PlanStatus::Dismissed),
            "remove" => PlanAction::Remove,
            "helpful" => PlanAction::Rate { helpful: true },
            "not_helpful" => PlanAction::Rate { helpful: false },
            _ => return None,
        })
    }
}

/// Engagement counts for HR: recommended to, saved, completed, rated, rated helpful.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    pub recommended: i64,
    pub saved: i64,
    pub completed: i64,
    pub rated: i64,
    pub helpful: i64,
}

/// Fewer ratings than this give no percentage: "100% helpful" from one person misleads.
pub const MIN_RATINGS_FOR_PERCENT: i64 = 5;

impl Engagement {
    /// Share of ratings that said helpful, as a whole percentage; none under
    /// [`MIN_RATINGS_FOR_PERCENT`] ratings.
    pub fn helpful_percent(&self) -> Option<i64> {
        (self.rated >= MIN_RATINGS_FOR_PERCENT)
            .then(|| (self.helpful * 100 + self.rated / 2) / self.rated)
    }

    /// What the "helpful" figure says, always with its count: "80% of 10 ratings",
    /// "2 of 3 ratings" under the minimum, "No ratings yet".
    pub fn helpful_text(&self) -> String {
        use crate::domain::wording::count;
        match (self.rated, self.helpful_percent()) {
            (0, _) => "No ratings yet".into(),
            (rated, Some(percent)) => {
                format!("{percent}% of {}", count(rated, "rating", "ratings"))
            }
            (rated, None) => format!("{} of {}", self.helpful, count(rated, "rating", "ratings")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helpful_percentage_needs_enough_ratings_and_always_shows_the_count() {
        let e = |helpful, rated| Engagement {
            helpful,
            rated,
            ..Engagement::default()
        };
        assert_eq!(e(0, 0).helpful_text(), "No ratings yet");
        assert_eq!(e(1, 1).helpful_percent(), None);
        assert_eq!(e(1, 1).helpful_text(), "1 of 1 rating");
        assert_eq!(e(3, 4).helpful_text(), "3 of 4 ratings");
        assert_eq!(e(4, 5).helpful_percent(), Some(80));
        assert_eq!(e(4, 5).helpful_text(), "80% of 5 ratings");
        assert_eq!(e(2, 3).helpful_percent(), None);
    }

    #[test]
    fn plan_statuses_read_only_what_they_write() {
        for status in [PlanStatus::Saved, PlanStatus::Done, PlanStatus::Dismissed] {
            assert_eq!(status.as_str().parse::<PlanStatus>(), Ok(status));
        }
        assert!("finished".parse::<PlanStatus>().is_err());
    }

    #[test]
    fn plan_actions_are_the_form_buttons() {
        assert_eq!(
            PlanAction::parse("dismiss"),
            Some(PlanAction::Set(PlanStatus::Dismissed))
        );
        assert_eq!(
            PlanAction::parse("not_helpful"),
            Some(PlanAction::Rate { helpful: false })
        );
        assert_eq!(PlanAction::parse("delete"), None);
    }
}
