//! The plan's review pull request on GitHub as the sync bar's "Review" element shows it, and
//! what "Propose for review" did.
//!
//! Wording only: where the pull request stands is `pi_github::propose`'s business.

use pi_github::propose::{ReviewState, ReviewStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the plan's review pull request stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ReviewDto {
    /// The plan's pi-planner.toml has no `[github]` section: nothing to show, nothing to propose.
    NotConfigured,
    /// GitHub is configured and the plan was never proposed.
    None,
    /// Open for review: reviewers with a standing review, and how many of them approve.
    #[serde(rename_all = "camelCase")]
    Open {
        number: u32,
        url: String,
        reviews: u32,
        approvals: u32,
    },
    Merged {
        number: u32,
        url: String,
    },
    Closed {
        number: u32,
        url: String,
    },
    /// GitHub could not be asked (no token, unreachable, refused); why, in words.
    Unavailable {
        message: String,
    },
}

impl From<Option<ReviewState>> for ReviewDto {
    fn from(state: Option<ReviewState>) -> Self {
        let Some(s) = state else {
            return Self::None;
        };
        let number = u32::try_from(s.number).unwrap_or(u32::MAX);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match s.status {
            ReviewStatus::Open => Self::Open {
                number,
                url: s.url,
                reviews: count(s.reviews),
                approvals: count(s.approvals),
            },
            ReviewStatus::Merged => Self::Merged { number, url: s.url },
            ReviewStatus::Closed => Self::Closed { number, url: s.url },
        }
    }
}

/// What "Propose for review" did, and where the pull request stands now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProposeResultDto {
    /// "Opened pull request #3 for review." or "Updated pull request #3 with the plan as it is now."
    pub message: String,
    pub review: ReviewDto,
}
