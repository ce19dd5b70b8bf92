//! The generator's own plan: every objective, feature and criterion carries a key that is its
//! true identity (whatever its name or id in a file), and it writes itself in the current
//! format or in the old tpcli generated layout.

use std::fmt::Write as _;

use pi_model::{Criterion, Effort, EntityId, Feature, FeatureKind, LocalId, Named, Plan};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Current,
    Legacy,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Crit {
    pub key: u32,
    pub text: String,
    pub done: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feat {
    pub key: u32,
    pub name: String,
    pub status: String,
    pub effort: u32,
    pub owner: String,
    pub criteria: Vec<Crit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Obj {
    pub key: u32,
    /// A Targetprocess id; old files leave some objectives without one.
    pub tp: Option<i64>,
    pub name: String,
    pub status: String,
    pub effort: u32,
    pub owner: String,
    pub features: Vec<Feat>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub objectives: Vec<Obj>,
}

impl Model {
    pub fn feature(&self, key: u32) -> Option<(usize, usize)> {
        self.objectives.iter().enumerate().find_map(|(oi, o)| {
            let fi = o.features.iter().position(|f| f.key == key)?;
            Some((oi, fi))
        })
    }

    pub fn feature_mut(&mut self, key: u32) -> Option<&mut Feat> {
        let (oi, fi) = self.feature(key)?;
        Some(&mut self.objectives[oi].features[fi])
    }

    pub fn objective_mut(&mut self, key: u32) -> Option<&mut Obj> {
        self.objectives.iter_mut().find(|o| o.key == key)
    }

    /// Objective keys, then feature keys, in file order (how a parsed file's entities line up).
    pub fn keys_in_file_order(&self) -> (Vec<u32>, Vec<u32>) {
        let objectives = self.objectives.iter().map(|o| o.key).collect();
        let features = self
            .objectives
            .iter()
            .flat_map(|o| o.features.iter().map(|f| f.key))
            .collect();
        (objectives, features)
    }

    pub fn write(&self, layout: Layout) -> String {
        match layout {
            Layout::Current => pi_format::render(&self.to_plan()),
            Layout::Legacy => self.write_legacy(),
        }
    }

    /// The plan a current-layout file holds: objectives by their TP id or `new:o<key>`, features
    /// by `new:f<key>`.
    pub fn to_plan(&self) -> Plan {
        let local = |s: String| EntityId::Local(LocalId::new(&s).expect("generated ids are valid"));
        let objectives = self
            .objectives
            .iter()
            .map(|o| pi_model::TeamObjective {
                id: o
                    .tp
                    .map_or_else(|| local(format!("o{}", o.key)), EntityId::Tp),
                name: o.name.clone(),
                description: String::new(),
                status: Some(o.status.clone()),
                effort: Effort::new(f64::from(o.effort)),
                owner: Some(o.owner.clone()),
                committed: false,
                business_value: None,
                actual_business_value: None,
                program_objective: None,
                features: o
                    .features
                    .iter()
                    .map(|f| Feature {
                        id: local(format!("f{}", f.key)),
                        kind: FeatureKind::Epic,
                        name: f.name.clone(),
                        description: String::new(),
                        status: Some(f.status.clone()),
                        effort: Effort::new(f64::from(f.effort)),
                        owner: Some(f.owner.clone()),
                        acceptance_criteria: criteria(&f.criteria),
                        jira: None,
                        stories: vec![],
                    })
                    .collect(),
            })
            .collect();
        Plan {
            release: Named {
                id: Some(4425),
                name: "PI-4/25".into(),
            },
            team: Named {
                id: Some(77),
                name: "Platform Eco".into(),
            },
            objectives,
            ..Plan::default()
        }
    }

    /// The old tpcli generated layout: `## Team Objective:` sections with `**TP ID**:` lines
    /// (some missing), `### Epic:` sections with no id at all.
    fn write_legacy(&self) -> String {
        let mut out = String::from(
            "---\nrelease: \"PI-4/25\"\nteam: \"Platform Eco\"\nexported_at: \"2025-12-01T09:15:42\"\n---\n\n\
             # PI-4/25 Plan - Platform Eco\n",
        );
        for o in &self.objectives {
            let _ = write!(out, "\n## Team Objective: {}\n\n", o.name);
            if let Some(tp) = o.tp {
                let _ = writeln!(out, "**TP ID**: {tp}");
            }
            let _ = writeln!(out, "**Status**: {}", o.status);
            let _ = writeln!(out, "**Effort**: {} points", o.effort);
            let _ = writeln!(out, "**Owner**: {}", o.owner);
            for f in &o.features {
                let _ = write!(out, "\n### Epic: {}\n\n", f.name);
                let _ = writeln!(out, "**Owner**: {}", f.owner);
                let _ = writeln!(out, "**Status**: {}", f.status);
                let _ = writeln!(out, "**Effort**: {} points", f.effort);
                if !f.criteria.is_empty() {
                    out.push_str("\n**Acceptance Criteria**:\n");
                    for c in &f.criteria {
                        let mark = if c.done { "[x] " } else { "" };
                        let _ = writeln!(out, "  - {mark}{}", c.text);
                    }
                }
            }
        }
        out
    }
}

pub fn criteria(items: &[Crit]) -> Vec<Criterion> {
    items
        .iter()
        .map(|c| Criterion {
            text: c.text.clone(),
            done: c.done,
        })
        .collect()
}
