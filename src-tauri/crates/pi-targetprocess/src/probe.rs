//! The few extra reads that let a plan read say why something is missing: one feature read
//! whole to find the field the account links features to objectives through, and one look at
//! the release's features when a plan read through a single reference has none. Each is sent
//! only when something is missing; a failed look leaves the notice without its cause.

use reqwest::Method;

use crate::client::TpClient;
use crate::http::Replay;
use crate::model::RemotePlan;
use crate::notices::{self, LinkHint};
use crate::wire::{Page, WorkItem};

impl TpClient {
    /// The field a feature linked to no objective through the configured field really links
    /// through, read from the first such feature whole; `None` when all are linked, the field
    /// found is the configured one, or the look fails.
    pub(crate) async fn link_hint(&self, features: &[WorkItem]) -> Option<LinkHint> {
        let link = &self.config.schema.feature_objectives_collection;
        let loose = features.iter().find(|f| f.ref_ids(link).is_empty())?;
        let whole = match self.get_one("Features", loose.id, &[]).await {
            Ok(v) => v,
            Err(e) => {
                tracing::debug!(error = %e, feature = loose.id, "cannot read a sample feature");
                return None;
            }
        };
        let objective_type = crate::query_type_name(&self.config.schema.team_objective_resource);
        LinkHint::find(&whole, &objective_type).filter(|h| &h.field != link)
    }

    /// Adds the "no features" notice to a plan read through a single reference that has
    /// objectives but no features, when the release has features (one look, one item).
    pub(crate) async fn say_no_features(
        &self,
        remote: &mut RemotePlan,
        release: i64,
        objectives: &[&WorkItem],
    ) {
        let schema = &self.config.schema;
        let has_features = remote
            .plan
            .objectives
            .iter()
            .any(|o| !o.features.is_empty());
        if !schema.single_objective_link() || has_features || objectives.is_empty() {
            return;
        }
        if self.release_has_features(release).await {
            remote
                .notices
                .push(notices::no_features_through_reference(schema));
        }
    }

    async fn release_has_features(&self, release: i64) -> bool {
        let params = [
            ("where".to_owned(), format!("Release.Id eq {release}")),
            ("include".to_owned(), "[Id]".to_owned()),
            ("take".to_owned(), "1".to_owned()),
        ];
        let answer = self
            .http
            .send_raw(Method::GET, "Features", &params, Replay::Safe)
            .await;
        match answer.map(|body| serde_json::from_slice::<Page>(&body)) {
            Ok(Ok(page)) => !page.items.is_empty(),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "the release's features are not a collection");
                false
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot look at the release's features");
                false
            }
        }
    }
}
