//! `tpcli plan validate`: parse errors, built-in checks and the repo's rules, located.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use pi_format::{Layout, Parsed};
use pi_model::validate::{self, Severity};
use schemars::JsonSchema;
use serde::Serialize;

use crate::exit;
use crate::files;

/// Check plan files: structure, ids, effort, statuses, links and the repo's configured rules.
///
/// Every finding is printed as FILE:LINE:COLUMN. Files in the legacy tpcli layout are accepted
/// with a warning that suggests `tpcli plan migrate`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan validate pi-4-25.platform-eco.md
  tpcli plan validate                  # every plan file in the current folder
  tpcli plan validate *.md --json      # machine-readable findings

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 a file or the config cannot be read.")]
pub struct ValidateArgs {
    /// Plan files to check. Default: every `*.md` plan file in the current folder.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print findings as JSON: {files: [{file, layout, findings: [...]}], errors, warnings}.
    #[arg(long)]
    json: bool,
    /// Use this config file instead of the repo's pi-planner.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct FileReport {
    file: String,
    layout: Option<Layout>,
    findings: Vec<Located>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct Located {
    severity: Severity,
    rule: String,
    line: usize,
    column: usize,
    message: String,
}

/// `tpcli plan validate --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Report {
    files: Vec<FileReport>,
    errors: usize,
    warnings: usize,
}

pub fn run(args: ValidateArgs) -> Result<u8> {
    let files = if args.files.is_empty() {
        plan_files_here()?
    } else {
        args.files
    };
    if files.is_empty() {
        anyhow::bail!(
            "no plan files given and none found in the current folder (*.md with front matter)"
        );
    }
    let mut reports = Vec::new();
    for file in &files {
        reports.push(check_file(file, args.config.as_deref())?);
    }
    let count = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity == s)
            .count()
    };
    let report = Report {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        files: reports,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_human(&report);
    }
    Ok(if report.errors > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn check_file(file: &Path, config: Option<&Path>) -> Result<FileReport> {
    let text = files::read_text(file)?;
    let (config, _) = files::load_config(file, config)?;
    let name = file.display().to_string();
    let parsed = match pi_format::parse(&text) {
        Ok(p) => p,
        Err(errors) => {
            let findings = errors
                .0
                .into_iter()
                .map(|e| parse_finding(Severity::Error, &e))
                .collect();
            return Ok(FileReport {
                file: name,
                layout: None,
                findings,
            });
        }
    };
    let mut findings: Vec<Located> = parsed
        .warnings
        .iter()
        .map(|w| parse_finding(Severity::Warning, w))
        .collect();
    if parsed.layout != Layout::Current {
        findings.push(Located {
            severity: Severity::Warning,
            rule: "legacy-layout".into(),
            line: 1,
            column: 1,
            message: format!(
                "this file uses the legacy tpcli layout; convert it with `tpcli plan migrate {name}`"
            ),
        });
    }
    // The account's states kept with the plan's Targetprocess snapshot, where this repository
    // has one; `[statuses]` first; the usual names (a warning only) otherwise.
    let statuses = &config.statuses;
    let known = pi_engine::workflows::known_statuses_for_file(file, &parsed.plan, statuses)
        .map_err(|e| anyhow::anyhow!("{name}: the account's workflows: {e}"))?;
    findings.extend(rule_findings(&parsed, &config, &known));
    findings.sort_by_key(|f| (f.line, f.column));
    Ok(FileReport {
        file: name,
        layout: Some(parsed.layout),
        findings,
    })
}

fn rule_findings(
    parsed: &Parsed,
    config: &pi_model::RepoConfig,
    known: &pi_model::KnownStatuses,
) -> Vec<Located> {
    validate::validate_with(&parsed.plan, config, known)
        .into_iter()
        .map(|f| {
            let at = parsed.source_map.locate(f.path, f.field);
            Located {
                severity: f.severity,
                rule: f.rule.into(),
                line: at.line,
                column: at.column,
                message: f.message,
            }
        })
        .collect()
}

fn parse_finding(severity: Severity, e: &pi_format::ParseError) -> Located {
    let rule = match e.kind {
        pi_format::ParseErrorKind::ConflictMarkers => "conflict-markers",
        pi_format::ParseErrorKind::FrontMatter => "front-matter",
        pi_format::ParseErrorKind::Structure => "structure",
        pi_format::ParseErrorKind::Value => "value",
    };
    Located {
        severity,
        rule: rule.into(),
        line: e.at.line,
        column: e.at.column,
        message: e.message.clone(),
    }
}

fn print_human(report: &Report) {
    for file in &report.files {
        for f in &file.findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!(
                "{}:{}:{}: {sev}: {} [{}]",
                file.file, f.line, f.column, f.message, f.rule
            );
        }
    }
    let n = report.files.len();
    println!(
        "{} error{}, {} warning{} in {n} file{}",
        report.errors,
        plural(report.errors),
        report.warnings,
        plural(report.warnings),
        plural(n)
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `*.md` files in the current folder that start with front matter (`---`), sorted by name.
fn plan_files_here() -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(".")? {
        let path = entry?.path();
        let is_md = path.extension().is_some_and(|e| e == "md");
        if is_md && std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with("---")) {
            out.push(
                path.strip_prefix("./")
                    .map(Path::to_path_buf)
                    .unwrap_or(path),
            );
        }
    }
    out.sort();
    Ok(out)
}
