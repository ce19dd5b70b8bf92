//! Links between features and team objectives: TP's many-to-many collection on a feature, or a
//! single reference (`[tp] feature_objectives_link`). Adding goes through an update
//! (`FieldChange::Objectives`); removing is a delete on the inner collection, or clearing the
//! reference when it still points at the objective.

use reqwest::Method;
use serde_json::Value;

use crate::client::TpClient;
use crate::error::TpError;
use crate::http::Replay;
use crate::query::Include;
use crate::wire::WorkItem;

impl TpClient {
    /// Removes the link between feature `feature` and team objective `objective`. A collection
    /// link: `DELETE /Features/{id}/{collection}/{objective}`; a single reference: read it and
    /// set it to null only while it still names `objective` (a move that already set the new
    /// objective is left alone). Safe to retry: a link already gone counts as done.
    pub async fn unlink_objective(&self, feature: i64, objective: i64) -> Result<(), TpError> {
        let field = &self.config.schema.feature_objectives_collection;
        if self.config.schema.single_objective_link() {
            return self.clear_reference(feature, field, objective).await;
        }
        let path = format!("Features/{feature}/{field}/{objective}");
        match self
            .http
            .send(Method::DELETE, &path, &[], None, Replay::Safe)
            .await
        {
            Ok(_) | Err(TpError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn clear_reference(
        &self,
        feature: i64,
        field: &str,
        objective: i64,
    ) -> Result<(), TpError> {
        let include = [Include::nested(field, &["Id"])];
        let current = match self.get_one("Features", feature, &include).await {
            Ok(v) => v,
            Err(TpError::NotFound { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let item: Option<WorkItem> = serde_json::from_value(current).ok();
        if item.is_none_or(|w| w.ref_ids(field) != [objective]) {
            return Ok(());
        }
        let mut body = serde_json::Map::new();
        body.insert(field.to_owned(), Value::Null);
        let params = [("resultFormat".to_owned(), "json".to_owned())];
        let cleared = self
            .http
            .send(
                Method::POST,
                &format!("Features/{feature}"),
                &params,
                Some(&Value::Object(body)),
                Replay::Safe,
            )
            .await;
        match cleared {
            Ok(_) | Err(TpError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
