//! Discovery: what this Targetprocess account calls the things PI Planner reads and writes, and
//! the states of its workflows, proposed as the `[tp]` section of `pi-planner.toml`.
//!
//! Reads `Index/meta` (the resources), the feature's and the team objective's own metadata
//! (their fields: values, references, collections), the custom field definitions, and the
//! states (`EntityStates`); where a resource's metadata is missing, one sample feature. Every
//! decision comes with its reason in plain words ([`Finding`]); what cannot be decided keeps the
//! configured value and says so. Nothing is written: the caller shows or stores the result.

mod check;
mod decide;
mod merge;
mod meta;
mod sample;
mod states;
mod tree;

use pi_model::{TpSchema, Workflows};
use reqwest::Method;
use serde::Serialize;

use crate::client::TpClient;
use crate::error::TpError;
use crate::http::Replay;

pub use check::SchemaCheck;
use decide::{CustomDef, ObjectiveValue};
pub use merge::{SchemaConflict, SchemaMerge, SchemaMergeError};
use meta::{FieldMeta, Resource};
use tree::Node;

/// What discovery found.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Discovery {
    /// The proposed `[tp]` section: the configured one with every name discovery decided.
    pub schema: TpSchema,
    /// One line per decision, in the order of the `[tp]` keys, then the workflows.
    pub findings: Vec<Finding>,
    /// The states of the team objective and feature workflows.
    pub workflows: Workflows,
    /// Resources PI Planner reads that the account's resource list lacks.
    pub missing_resources: Vec<String>,
}

/// One thing discovery decided (or could not), and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// The `[tp]` key it decides, when it decides one.
    pub key: Option<String>,
    pub source: FindingSource,
    /// In plain words, e.g. "features link to objectives through TeamPIObjective (a single
    /// reference: a feature serves one objective)".
    pub message: String,
}

/// Where a finding was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingSource {
    /// `Index/meta` or a resource's own metadata.
    Metadata,
    /// The custom field definitions.
    CustomFields,
    /// An entity read as a sample (metadata missing).
    Sample,
    /// The account's states (`EntityStates`).
    States,
    /// Not found: the configured value is kept.
    NotFound,
}

impl Discovery {
    /// Whether anything could not be decided.
    pub fn has_gaps(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.source == FindingSource::NotFound)
            || !self.missing_resources.is_empty()
    }
}

impl TpClient {
    /// Reads the account and proposes the `[tp]` names and the workflows (see the module docs).
    /// Fails only when the account cannot be read at all (credentials, network, server); a
    /// missing or unreadable piece of metadata is a finding, not an error.
    pub async fn discover(&self) -> Result<Discovery, TpError> {
        let mut schema = self.config.schema.clone();
        let mut findings = Vec::new();
        let resources = match self.meta("Index/meta").await? {
            Some(index) => meta::resources(&index),
            None => Vec::new(),
        };
        let (team, f) = decide::objective_resource(
            &resources,
            &schema.team_objective_resource,
            "team",
            "team_objective_resource",
        );
        schema.team_objective_resource = team;
        findings.push(f);
        let (program, f) = decide::objective_resource(
            &resources,
            &schema.program_objective_resource,
            "program",
            "program_objective_resource",
        );
        schema.program_objective_resource = program;
        findings.push(f);
        let evidence = self.evidence(&resources, &schema).await?;
        decide_fields(&evidence, &mut schema, &mut findings);
        findings.extend(states::findings(&evidence.workflows, &schema));
        Ok(Discovery {
            schema,
            findings,
            workflows: evidence.workflows,
            missing_resources: decide::missing_resources(&resources),
        })
    }

    /// The states of the team objective and feature workflows of the configured schema. While
    /// the client shares its reads ([`TpClient::share_reads`], a train), the group reads them
    /// once: the first member to ask reads, the others get that read.
    pub async fn workflows(&self) -> Result<Workflows, TpError> {
        match self.read_group() {
            Some(group) => group.workflows(self).await,
            None => read_workflows(self).await,
        }
    }

    /// Everything decided after the resource names: fields, custom fields, states, a sample.
    async fn evidence(
        &self,
        resources: &[Resource],
        schema: &TpSchema,
    ) -> Result<Evidence, TpError> {
        let objective_type = crate::query_type_name(&schema.team_objective_resource);
        let plural_of = |name: &str, fallback: &str| {
            resources
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
                .map_or_else(|| fallback.to_owned(), |r| r.plural.clone())
        };
        let feature_meta = format!("{}/meta", plural_of("Feature", "Features"));
        let objective_meta = format!("{}/meta", schema.team_objective_resource);
        let (feature, objective, custom, workflows) = futures::try_join!(
            self.meta(&feature_meta),
            self.meta(&objective_meta),
            self.custom_definitions(),
            states::read(self, schema),
        )?;
        let feature_fields = feature.as_ref().map(meta::fields).filter(|f| !f.is_empty());
        let (links, sampled, link_source) = self
            .link_evidence(feature_fields.as_deref(), &objective_type)
            .await;
        let objective_fields = objective
            .as_ref()
            .map(meta::fields)
            .filter(|f| !f.is_empty());
        let mut values = objective_values(
            schema,
            objective_fields.as_deref(),
            &custom,
            &objective_type,
        );
        let sampled_objectives = self.value_evidence(schema, &mut values).await;
        Ok(Evidence {
            links,
            sampled,
            link_source,
            objective_fields,
            values,
            sampled_objectives,
            custom,
            workflows,
        })
    }

    /// The feature fields referring to team objectives (from the metadata, else a sample
    /// feature), how many features of a sample use each when there are several, and where they
    /// were found.
    async fn link_evidence(
        &self,
        feature_fields: Option<&[FieldMeta]>,
        objective_type: &str,
    ) -> (Vec<decide::LinkCandidate>, usize, FindingSource) {
        let (mut links, source) = match feature_fields {
            Some(fields) => (
                decide::link_candidates(fields, objective_type),
                FindingSource::Metadata,
            ),
            None => (
                sample::candidates(self, objective_type).await,
                FindingSource::Sample,
            ),
        };
        let sampled = if links.len() > 1 {
            sample::usage(self, &mut links).await
        } else {
            0
        };
        (links, sampled, source)
    }

    /// When some objective value may be held by several fields, how many objectives of a sample
    /// have a value in each (recorded in the candidates); the sample's size, 0 without one.
    async fn value_evidence(&self, schema: &TpSchema, values: &mut [ValueEvidence]) -> usize {
        if !values.iter().any(|(_, c)| c.len() > 1) {
            return 0;
        }
        let mut all: Vec<&mut decide::ValueCandidate> =
            values.iter_mut().flat_map(|(_, c)| c.iter_mut()).collect();
        sample::value_usage(self, &schema.team_objective_resource, &mut all).await
    }

    /// A metadata answer; `None` when the account has none there (404) or it is not JSON.
    async fn meta(&self, rel: &str) -> Result<Option<Node>, TpError> {
        match self
            .http
            .send_raw(Method::GET, rel, &[], Replay::Safe)
            .await
        {
            Ok(bytes) => match Node::parse(&bytes) {
                Ok(node) => Ok(Some(node)),
                Err(e) => {
                    tracing::info!(path = rel, error = %e, "metadata is not readable JSON");
                    Ok(None)
                }
            },
            Err(TpError::NotFound { .. } | TpError::Validation { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every custom field definition; none when the account does not serve them.
    async fn custom_definitions(&self) -> Result<Vec<CustomDef>, TpError> {
        let query = crate::query::Query::new("CustomFields").order_by("Id");
        let raw: Vec<serde_json::Value> = match self.all(&query).await {
            Ok(items) => items,
            Err(TpError::NotFound { .. } | TpError::Validation { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let text =
            |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        Ok(raw
            .iter()
            .filter_map(|d| {
                Some(CustomDef {
                    name: clean(&text(d, "Name")?),
                    entity_type: clean(&d.get("EntityType").and_then(|t| text(t, "Name"))?),
                    field_type: clean(&text(d, "FieldType").unwrap_or_default()),
                })
            })
            .collect())
    }
}

/// A name read from the account in the inbound normal form (one line, bounded).
pub(crate) fn clean(name: &str) -> String {
    let mut name = name.to_owned();
    pi_model::inbound::clean_line(&mut name, pi_model::inbound::MAX_NAME_CHARS);
    name
}

/// An objective value and the fields that may hold it.
type ValueEvidence = (ObjectiveValue, Vec<decide::ValueCandidate>);

/// What the account said beyond its resource list.
struct Evidence {
    /// Feature fields referring to team objectives.
    links: Vec<decide::LinkCandidate>,
    /// Features sampled to tell several link fields apart (0: none).
    sampled: usize,
    /// Where the link fields were found: the metadata or a sample feature.
    link_source: FindingSource,
    objective_fields: Option<Vec<FieldMeta>>,
    /// Per [`OBJECTIVE_VALUES`] entry: what it is and the fields that may hold it.
    values: Vec<ValueEvidence>,
    /// Objectives sampled to tell several value fields apart (0: none).
    sampled_objectives: usize,
    custom: Vec<CustomDef>,
    workflows: Workflows,
}

/// The fields that may hold each objective value of [`OBJECTIVE_VALUES`].
fn objective_values(
    schema: &TpSchema,
    objective_fields: Option<&[FieldMeta]>,
    custom: &[CustomDef],
    objective_type: &str,
) -> Vec<ValueEvidence> {
    OBJECTIVE_VALUES
        .iter()
        .map(|&(key, what, matches)| {
            let current = schema_value(schema, key).to_owned();
            let value = ObjectiveValue {
                key,
                what,
                matches,
                current,
            };
            let candidates =
                decide::value_candidates(&value, objective_fields, custom, objective_type);
            (value, candidates)
        })
        .collect()
}

/// The link fields, the objective's values and the feature's custom fields.
fn decide_fields(e: &Evidence, schema: &mut TpSchema, findings: &mut Vec<Finding>) {
    let objective_type = crate::query_type_name(&schema.team_objective_resource);
    let program_type = crate::query_type_name(&schema.program_objective_resource);
    let objective_fields = e.objective_fields.as_deref();
    findings.push(decide::program_link(
        objective_fields,
        &program_type,
        schema,
    ));
    findings.push(decide::objective_link(
        &e.links,
        e.sampled,
        e.link_source,
        &objective_type,
        schema,
    ));
    // Actual business value, often empty while planning, is placed like planned business value.
    let mut like = None;
    for (i, (value, candidates)) in e.values.iter().enumerate() {
        let hint = if value.key == "actual_business_value_field" {
            like
        } else {
            None
        };
        let (name, finding) =
            decide::objective_value(value, candidates, e.sampled_objectives, hint);
        if let Some(name) = name {
            if value.key == "business_value_field" {
                like = Some(TpSchema::custom_field(&name).is_some());
            }
            *schema_value_mut(schema, OBJECTIVE_VALUES[i].0) = name;
        }
        findings.push(finding);
    }
    let (jira, f) = decide::feature_custom(
        "jira_key_field",
        "the Jira key",
        &schema.jira_key_field,
        &e.custom,
        decide::is_jira_key,
    );
    schema.jira_key_field = jira.unwrap_or_else(|| schema.jira_key_field.clone());
    findings.push(f);
    let (criteria, f) = decide::feature_custom(
        "acceptance_criteria_field",
        "acceptance criteria",
        &schema.acceptance_criteria_field,
        &e.custom,
        decide::is_acceptance_criteria,
    );
    schema.acceptance_criteria_field =
        criteria.unwrap_or_else(|| schema.acceptance_criteria_field.clone());
    findings.push(f);
}

/// An objective value discovery looks for: its `[tp]` key, its words, which names mean it.
type ValueRule = (&'static str, &'static str, fn(&str) -> bool);

/// The objective values discovery looks for.
const OBJECTIVE_VALUES: [ValueRule; 3] = [
    (
        "committed_field",
        "whether an objective is committed",
        decide::is_committed,
    ),
    (
        "business_value_field",
        "planned business value",
        decide::is_business_value,
    ),
    (
        "actual_business_value_field",
        "actual business value",
        decide::is_actual_business_value,
    ),
];

fn schema_value<'a>(schema: &'a TpSchema, key: &str) -> &'a str {
    match key {
        "committed_field" => &schema.committed_field,
        "business_value_field" => &schema.business_value_field,
        _ => &schema.actual_business_value_field,
    }
}

fn schema_value_mut<'a>(schema: &'a mut TpSchema, key: &str) -> &'a mut String {
    match key {
        "committed_field" => &mut schema.committed_field,
        "business_value_field" => &mut schema.business_value_field,
        _ => &mut schema.actual_business_value_field,
    }
}

/// The account's workflows, read now (see [`TpClient::workflows`]).
pub(crate) async fn read_workflows(client: &TpClient) -> Result<Workflows, TpError> {
    states::read(client, &client.config.schema).await
}
