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

/// Engagement counts for HR: saved, completed, rated, rated helpful. Counted only from what
/// people did (not from what was recommended to whom: that depended on each person's private
/// quiz result), and shown only from [`ENGAGEMENT_MIN`] people up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Engagement {
    pub saved: i64,
    pub completed: i64,
    pub rated: i64,
    pub helpful: i64,
    /// The anonymity threshold the figures are shown with (HR's setting).
    pub threshold: i64,
}

impl Default for Engagement {
    fn default() -> Self {
        Engagement {
            saved: 0,
            completed: 0,
            rated: 0,
            helpful: 0,
            threshold: ENGAGEMENT_MIN,
        }
    }
}

/// The fewest people a shown engagement figure may be about, until HR sets the anonymity
/// threshold.
pub const ENGAGEMENT_MIN: i64 = crate::domain::insights::ANONYMITY_THRESHOLD;

/// A count as HR sees it: the number from the threshold up, "fewer than 5" below it
/// (zero included, so a small group can't be told apart from none).
pub fn count_shown(count: i64, threshold: i64) -> String {
    if count >= threshold {
        count.to_string()
    } else {
        format!("fewer than {threshold}")
    }
}

impl Engagement {
    /// The counts to show from now on, from those shown (`self`) and the ones just worked out:
    /// each moves on only as [`count_moves_on`](crate::domain::insights::count_moves_on)
    /// allows, and the helpful and not-helpful ratings only together (else the share would say
    /// which way a handful of new ratings went).
    pub fn moved_on(self, candidate: Engagement, threshold: i64) -> Engagement {
        use crate::domain::insights::{count_moves_on, next_count};
        let (helpful, rated) = if count_moves_on(self.helpful, candidate.helpful, threshold)
            && count_moves_on(
                self.rated - self.helpful,
                candidate.rated - candidate.helpful,
                threshold,
            ) {
            (candidate.helpful, candidate.rated)
        } else {
            (self.helpful, self.rated)
        };
        Engagement {
            saved: next_count(self.saved, candidate.saved, threshold),
            completed: next_count(self.completed, candidate.completed, threshold),
            rated,
            helpful,
            threshold,
        }
    }

    pub fn saved_shown(&self) -> String {
        count_shown(self.saved, self.threshold)
    }

    pub fn completed_shown(&self) -> String {
        count_shown(self.completed, self.threshold)
    }

    pub fn rated_shown(&self) -> String {
        count_shown(self.rated, self.threshold)
    }

    /// Share of ratings that said helpful, as a whole percentage, once at least
    /// [`ENGAGEMENT_MIN`] people rated it (and neither share is below that many people).
    pub fn helpful_percent(&self) -> Option<i64> {
        let unhelpful = self.rated - self.helpful;
        let k = self.threshold;
        (self.rated >= k
            && (self.helpful == 0 || self.helpful >= k)
            && (unhelpful == 0 || unhelpful >= k))
            .then(|| (self.helpful * 100 + self.rated / 2) / self.rated)
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

    #[test]
    fn engagement_moves_on_by_the_threshold_of_people_and_ratings_together() {
        let counts = |saved, completed, rated, helpful| Engagement {
            saved,
            completed,
            rated,
            helpful,
            threshold: 5,
        };
        let shown = counts(10, 6, 6, 6);
        // One more saved it, four more finished it: neither moves.
        assert_eq!(shown.moved_on(counts(11, 10, 6, 6), 5), shown);
        // Five more finished it and rated it helpful: both move, the saves stay.
        assert_eq!(
            shown.moved_on(counts(11, 11, 11, 11), 5),
            counts(10, 11, 11, 11)
        );
        // Five more ratings, but only two said "not helpful": the share would say so.
        assert_eq!(
            shown.moved_on(counts(10, 11, 11, 9), 5),
            counts(10, 11, 6, 6)
        );
        // Five of each: the share moves.
        assert_eq!(
            shown.moved_on(counts(10, 16, 16, 11), 5),
            counts(10, 16, 16, 11)
        );
    }

    #[test]
    fn no_engagement_figure_is_about_fewer_than_five_people() {
        for count in 0..ENGAGEMENT_MIN {
            assert_eq!(count_shown(count, ENGAGEMENT_MIN), "fewer than 5");
        }
        assert_eq!(count_shown(5, ENGAGEMENT_MIN), "5");
        assert_eq!(count_shown(5, 8), "fewer than 8");
        // Every split of up to 40 ratings: a percentage never lets anyone work out how
        // fewer than five people rated.
        for rated in 0..40 {
            for helpful in 0..=rated {
                let figures = Engagement {
                    rated,
                    helpful,
                    ..Engagement::default()
                };
                if let Some(percent) = figures.helpful_percent() {
                    assert!(rated >= 5, "{rated}/{helpful}");
                    assert!(helpful == 0 || helpful >= 5, "{rated}/{helpful}");
                    assert!(
                        rated - helpful == 0 || rated - helpful >= 5,
                        "{rated}/{helpful}"
                    );
                    assert!((0..=100).contains(&percent));
                }
            }
        }
        let even = Engagement {
            rated: 10,
            helpful: 5,
            ..Engagement::default()
        };
        assert_eq!(even.helpful_percent(), Some(50));
    }
}
