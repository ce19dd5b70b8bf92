//! The train's report in the app, as `tpcli plan report --art NAME --format …` makes it: the
//! team plans of the ART and PI under the train's folder, read by pi-reports' train status and
//! laid out by its train document; shown in the train view and exported as markdown or HTML to
//! the planner's Downloads folder. Reads only.

use std::path::Path;

use pi_reports::report::Format;
use pi_reports::train::TrainStatus;

use super::super::approvals::free_name;
use super::super::sync::blocking;
use super::super::{Session, slug};
use super::read_train;
use crate::dto::{ReportExportDto, ReportFormatDto, TrainReportDto, TrainRequest, sections};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::write_atomic;

impl Session {
    /// The train's report over the team plans of the ART for the PI.
    pub async fn train_report(&self, req: TrainRequest) -> Result<TrainReportDto, UiError> {
        let (root, status) = self.train_plans(&req).await?;
        let doc = pi_reports::train::doc(&status);
        Ok(TrainReportDto {
            title: doc.title.clone(),
            folder: root,
            sections: sections(&doc),
        })
    }

    /// Saves the train's report in `format` in `folder` (the planner's Downloads folder) under
    /// a new name `train-<art>-<release>-<time>.<md|html>`; returns where.
    pub async fn train_report_export(
        &self,
        req: TrainRequest,
        format: ReportFormatDto,
        folder: &Path,
    ) -> Result<ReportExportDto, UiError> {
        let (_, status) = self.train_plans(&req).await?;
        let (format, ext) = match format {
            ReportFormatDto::Markdown => (Format::Markdown, "md"),
            ReportFormatDto::Html => (Format::Html, "html"),
        };
        let text = pi_reports::train::render(&status, format);
        let stem = slug(&format!("train {} {}", req.art.name, req.release.name));
        let time = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let path = free_name(folder, &format!("{stem}-{time}"), ext);
        write_atomic(&path, &text).map_err(|e| file_error("the report file", &e))?;
        Ok(ReportExportDto {
            path: path.to_string_lossy().into_owned(),
        })
    }

    /// The train's folder and its team plans for the request's PI; an error when none is there.
    async fn train_plans(&self, req: &TrainRequest) -> Result<(String, TrainStatus), UiError> {
        let root = {
            let inner = self.inner.lock().await;
            self.train_root(&inner.settings.connection, &req.art.name)
        };
        let (art, release) = (req.art.name.clone(), req.release.name.clone());
        let shown = root.display().to_string();
        let status = blocking(move |_| {
            let mut status = read_train(&root, &art)?;
            status
                .teams
                .retain(|t| t.release.eq_ignore_ascii_case(&release));
            Ok(status)
        })
        .await?;
        if status.teams.is_empty() {
            return Err(UiError::new(
                ErrorCode::NoPlan,
                format!(
                    "No team's plan of {} for {} is in the train's folder yet.",
                    req.art.name, req.release.name
                ),
            )
            .hint("Use \"Sync all\" to start every team's plan."));
        }
        Ok((shown, status))
    }
}
