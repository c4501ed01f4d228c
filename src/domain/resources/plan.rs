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

impl Engagement {
    /// Share of ratings that said helpful, as a whole percentage.
    pub fn helpful_percent(&self) -> Option<i64> {
        (self.rated > 0).then(|| (self.helpful * 100 + self.rated / 2) / self.rated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
