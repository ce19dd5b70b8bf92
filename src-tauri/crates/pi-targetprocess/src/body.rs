//! pi-model values → TP write bodies (PascalCase JSON; references by id only; markdown → HTML).

use pi_model::TpSchema;
use serde_json::{Map, Value, json};

use crate::criteria::criteria_to_html;
use crate::model::{FieldChange, Kind};
use crate::text::markdown_to_html;

/// The JSON body for `changes`. `state_id` is the resolved `EntityState` id when the changes
/// contain a status.
pub(crate) fn write_body(
    kind: Kind,
    changes: &[FieldChange],
    schema: &TpSchema,
    state_id: Option<i64>,
) -> Map<String, Value> {
    let mut body = Map::new();
    let mut custom = Vec::new();
    for change in changes {
        match change {
            FieldChange::Name(n) => put(&mut body, "Name", json!(n)),
            FieldChange::Description(md) => {
                put(&mut body, "Description", json!(markdown_to_html(md)));
            }
            FieldChange::Status(_) => {
                if let Some(id) = state_id {
                    put(&mut body, "EntityState", json!({ "Id": id }));
                }
            }
            FieldChange::Effort(e) => {
                put(&mut body, "Effort", json!(e.map_or(0.0, |e| e.points())))
            }
            FieldChange::Owner(o) => put(&mut body, "Owner", reference(*o)),
            FieldChange::Committed(c) => {
                put_configured(&mut body, &mut custom, &schema.committed_field, json!(c));
            }
            FieldChange::BusinessValue(v) => {
                put_configured(
                    &mut body,
                    &mut custom,
                    &schema.business_value_field,
                    json!(v),
                );
            }
            FieldChange::ActualBusinessValue(v) => {
                let name = &schema.actual_business_value_field;
                put_configured(&mut body, &mut custom, name, json!(v));
            }
            FieldChange::ProgramObjective(p) => {
                put(
                    &mut body,
                    &schema.objective_program_objective_field,
                    reference(*p),
                );
            }
            FieldChange::AcceptanceCriteria(c) => custom.push(json!({
                "Name": schema.acceptance_criteria_field, "Value": criteria_to_html(c)
            })),
            FieldChange::JiraKey(k) => custom.push(json!({
                "Name": schema.jira_key_field, "Value": k
            })),
            FieldChange::Objectives(ids) if kind == Kind::Feature => {
                put(
                    &mut body,
                    &schema.feature_objectives_collection,
                    link(schema, ids),
                );
            }
            FieldChange::Objectives(_) => {}
        }
    }
    if !custom.is_empty() {
        body.insert("CustomFields".into(), Value::Array(custom));
    }
    body
}

fn put(body: &mut Map<String, Value>, name: &str, value: Value) {
    body.insert(name.to_owned(), value);
}

/// A configured field: into `CustomFields` when it names one (`CustomFields.Name`), else at the
/// top level.
fn put_configured(
    body: &mut Map<String, Value>,
    custom: &mut Vec<Value>,
    name: &str,
    value: Value,
) {
    match TpSchema::custom_field(name) {
        Some(name) => custom.push(json!({ "Name": name, "Value": value })),
        None => put(body, name, value),
    }
}

/// The objective link of a feature: items added to a collection, or the single reference set to
/// the first objective (a single reference holds one).
fn link(schema: &TpSchema, ids: &[i64]) -> Value {
    if schema.single_objective_link() {
        return reference(ids.first().copied());
    }
    let items: Vec<Value> = ids.iter().map(|id| json!({ "Id": id })).collect();
    json!({ "Items": items })
}

fn reference(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| json!({ "Id": id }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::{Criterion, Effort};

    #[test]
    fn builds_a_partial_update() {
        let body = write_body(
            Kind::Feature,
            &[
                FieldChange::Name("N".into()),
                FieldChange::Description("*x*".into()),
                FieldChange::Status("Done".into()),
                FieldChange::Effort(Effort::new(3.0)),
                FieldChange::AcceptanceCriteria(vec![Criterion {
                    text: "a".into(),
                    done: true,
                }]),
                FieldChange::JiraKey(Some("K-1".into())),
                FieldChange::Objectives(vec![4]),
            ],
            &TpSchema::default(),
            Some(77),
        );
        insta::assert_json_snapshot!(Value::Object(body), @r#"
        {
          "CustomFields": [
            {
              "Name": "Acceptance Criteria",
              "Value": "<ul><li>[x] a</li></ul>"
            },
            {
              "Name": "Jira Key",
              "Value": "K-1"
            }
          ],
          "Description": "<p><em>x</em></p>",
          "Effort": 3.0,
          "EntityState": {
            "Id": 77
          },
          "Name": "N",
          "TeamPIObjectives": {
            "Items": [
              {
                "Id": 4
              }
            ]
          }
        }
        "#);
    }

    #[test]
    fn a_single_reference_link_and_custom_business_values_change_the_body() {
        let schema = TpSchema {
            feature_objectives_collection: "TeamPIObjective".into(),
            feature_objectives_link: pi_model::ObjectiveLink::Reference,
            business_value_field: "CustomFields.Business Value".into(),
            actual_business_value_field: "CustomFields.Actual Value".into(),
            committed_field: "IsCommitted".into(),
            ..TpSchema::default()
        };
        let feature = write_body(
            Kind::Feature,
            &[FieldChange::Objectives(vec![4])],
            &schema,
            None,
        );
        insta::assert_json_snapshot!(Value::Object(feature), @r#"
        {
          "TeamPIObjective": {
            "Id": 4
          }
        }
        "#);
        let objective = write_body(
            Kind::TeamObjective,
            &[
                FieldChange::Committed(true),
                FieldChange::BusinessValue(Some(8)),
                FieldChange::ActualBusinessValue(None),
            ],
            &schema,
            None,
        );
        insta::assert_json_snapshot!(Value::Object(objective), @r#"
        {
          "CustomFields": [
            {
              "Name": "Business Value",
              "Value": 8
            },
            {
              "Name": "Actual Value",
              "Value": null
            }
          ],
          "IsCommitted": true
        }
        "#);
    }
}
