//! Links between features and team objectives (TP's many-to-many collection on a feature).
//! Adding goes through an update (`FieldChange::Objectives`); removing is a delete on the inner
//! collection.

use reqwest::Method;

use crate::client::TpClient;
use crate::error::TpError;
use crate::http::Replay;

impl TpClient {
    /// Removes the link between feature `feature` and team objective `objective`
    /// (`DELETE /Features/{id}/{collection}/{objective}`). Safe to retry: a link already gone
    /// answers 404, which counts as done.
    pub async fn unlink_objective(&self, feature: i64, objective: i64) -> Result<(), TpError> {
        let collection = &self.config.schema.feature_objectives_collection;
        let path = format!("Features/{feature}/{collection}/{objective}");
        match self
            .http
            .send(Method::DELETE, &path, &[], None, Replay::Safe)
            .await
        {
            Ok(_) | Err(TpError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
