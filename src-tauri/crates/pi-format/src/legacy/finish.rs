//! Whole-file steps after the walk: plan names from front matter and title, descriptions, local
//! ids, program objective links, the front matter cross-check and the warnings.
//!
//! Warnings are summarised (one per kind of finding), errors are kept one per location.

use pi_model::{EntityPath, Field, Named};

use super::build::{Builder, Title, error};
use super::front_matter::{At, FrontMatter};
use super::lines::{Line, is_thematic_break};
use crate::{Layout, ParseError, ParseErrorKind, ParseErrors, Parsed, Position};

const TOP: Position = Position { line: 1, column: 1 };

/// Lines without leading and trailing blank lines, joined with `\n`.
fn join_trimmed<'s>(lines: impl IntoIterator<Item = &'s str>) -> String {
    let lines: Vec<&str> = lines.into_iter().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].join("\n"),
        _ => String::new(),
    }
}

fn first_text(lines: &[Line<'_>]) -> Option<Position> {
    lines
        .iter()
        .find(|l| !l.is_blank())
        .map(|l| l.at(l.text.len() - l.text.trim_start().len()))
}

/// `1 feature has`, `3 features have`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun} has")
    } else {
        format!("{n} {noun}s have")
    }
}

fn warning(kind: ParseErrorKind, at: Position, message: String) -> ParseError {
    error(kind, at, message)
}

impl Builder<'_> {
    /// Runs the whole-file steps and produces the result.
    pub(super) fn finish(mut self, fm: FrontMatter) -> Result<Parsed, ParseErrors> {
        self.plan_names(&fm);
        self.descriptions();
        self.assign_ids();
        self.link_program_objectives();
        self.cross_check(&fm);
        self.mentions();
        self.volatile_warning(&fm);
        if let Some(&at) = self.keyless_stories.first() {
            let n = self.keyless_stories.len();
            self.warnings.push(warning(
                ParseErrorKind::Value,
                at,
                format!(
                    "{} no Jira key; kept with an empty key",
                    counted(n, "Jira story heading")
                ),
            ));
        }
        self.plan.notes = join_trimmed(self.notes.iter().copied());
        self.errors.sort_by_key(|e| e.at);
        self.warnings.sort_by_key(|e| e.at);
        if !self.errors.is_empty() {
            return Err(ParseErrors(self.errors));
        }
        Ok(Parsed {
            plan: self.plan,
            layout: if self.prd {
                Layout::LegacyPrd
            } else {
                Layout::LegacyGenerated
            },
            source_map: self.map,
            warnings: self.warnings,
        })
    }

    /// Release, team and ART names: the front matter wins over the (derived) title.
    fn plan_names(&mut self, fm: &FrontMatter) {
        let title = self.title.take();
        self.map
            .set_entity(EntityPath::Plan, title.as_ref().map_or(TOP, |t| t.at));
        let from_title = |t: &Title, f: Field| match f {
            Field::Release => t.release.clone(),
            _ => t.team.clone(),
        };
        for (field, fm_value, id) in [
            (Field::Release, &fm.release, fm.release_id),
            (Field::Team, &fm.team, fm.team_id),
        ] {
            let titled = title.as_ref().map(|t| (from_title(t, field), t.at));
            let name = self.name_from(field, fm_value, titled);
            let named = Named { id, name };
            match field {
                Field::Release => self.plan.release = named,
                _ => self.plan.team = named,
            }
        }
        if let Some(art) = &fm.art {
            self.map.set_field(EntityPath::Plan, Field::Art, art.at);
        }
        self.plan.art = Named {
            id: fm.art_id,
            name: fm
                .art
                .as_ref()
                .map(|a| a.value.trim().to_owned())
                .unwrap_or_default(),
        };
    }

    fn name_from(
        &mut self,
        field: Field,
        fm_value: &Option<At<String>>,
        titled: Option<(String, Position)>,
    ) -> String {
        let label = field.label().to_lowercase();
        match (fm_value, titled) {
            (Some(v), title) => {
                self.map.set_field(EntityPath::Plan, field, v.at);
                let name = v.value.trim().to_owned();
                if let Some((t, at)) = title
                    && t != name
                    && t != format!("PI-{name}")
                {
                    self.warnings.push(warning(
                        ParseErrorKind::Structure,
                        at,
                        format!("the title says {label} {t:?} but the front matter says {name:?}; the front matter is kept"),
                    ));
                }
                name
            }
            (None, Some((t, at))) => {
                self.map.set_field(EntityPath::Plan, field, at);
                t
            }
            (None, None) => {
                self.structure(TOP, format!("the plan has no {label}: expected `{label}:` in the front matter or a title `# PI-4/25 Plan - Team`"));
                String::new()
            }
        }
    }

    fn descriptions(&mut self) {
        for (i, (o, s)) in self.plan.objectives.iter_mut().zip(&self.objs).enumerate() {
            let free = join_trimmed(s.free.iter().map(|l| l.text));
            let path = EntityPath::Objective { index: i };
            match (&s.section, first_text(&s.free)) {
                (Some((_, lines)), free_at) => {
                    // A PRD `---` separator before the next objective is not description.
                    let end = lines
                        .iter()
                        .rposition(|l| !l.trim().is_empty() && !is_thematic_break(l))
                        .map_or(0, |e| e + 1);
                    o.description = join_trimmed(lines[..end].iter().copied());
                    if let Some(at) = free_at.filter(|_| !free.is_empty()) {
                        self.errors.push(error(
                            ParseErrorKind::Structure,
                            at,
                            "text outside any field of this objective; move it under `### Description`",
                        ));
                    }
                }
                (None, Some(at)) => {
                    o.description = free;
                    self.map.set_field(path, Field::Description, at);
                }
                (None, None) => {}
            }
            for (j, (f, fs)) in o.features.iter_mut().zip(&s.features).enumerate() {
                f.description = join_trimmed(fs.text.iter().map(|l| l.text));
                if let Some(at) = first_text(&fs.text) {
                    let path = EntityPath::Feature {
                        objective: i,
                        index: j,
                    };
                    self.map.set_field(path, Field::Description, at);
                }
            }
        }
    }
}

impl Builder<'_> {
    /// Local ids for objectives and epics without a `**TP ID**:` line, with one warning each.
    fn assign_ids(&mut self) {
        let mut objectives = Vec::new();
        let mut features = Vec::new();
        for (o, s) in self.plan.objectives.iter_mut().zip(&self.objs) {
            if !s.id_given {
                o.id = self.ids.legacy(&["objective", &o.name]);
                objectives.push(s.heading);
            }
            let objective_id = o.id.to_string();
            for (f, fs) in o.features.iter_mut().zip(&s.features) {
                if !fs.id_given {
                    f.id = self.ids.legacy(&[&objective_id, &f.name]);
                    features.push(fs.heading);
                }
            }
        }
        if let Some(&at) = objectives.first() {
            self.warnings.push(warning(
                ParseErrorKind::Value,
                at,
                format!(
                    "{} no TP ID; given local ids (new:legacy-…), so a push would create them \
                     in Targetprocess",
                    counted(objectives.len(), "team objective")
                ),
            ));
        }
        if let Some(&at) = features.first() {
            self.warnings.push(warning(
                ParseErrorKind::Value,
                at,
                format!(
                    "{} no TP id (the legacy generator never wrote one); given local ids \
                     (new:legacy-…) derived from objective and name — link them to their \
                     Targetprocess features before a push, or it will create new ones",
                    counted(features.len(), "feature")
                ),
            ));
        }
    }

    /// Front matter `objectives[]` against the body: the body wins, differences are warned.
    fn cross_check(&mut self, fm: &FrontMatter) {
        for entry in &fm.objectives {
            if entry.synced_at {
                self.dropped.synced_at += 1;
                self.dropped.seen(entry.at);
            }
            let found = self.plan.objectives.iter().find(|o| match entry.id {
                Some(id) => o.id.tp() == Some(id),
                None => entry.name.as_deref().map(str::trim) == Some(o.name.as_str()),
            });
            let label = match (entry.id, &entry.name) {
                (Some(id), Some(n)) => format!("tp:{id} {n:?}"),
                (Some(id), None) => format!("tp:{id}"),
                (None, Some(n)) => format!("{n:?}"),
                (None, None) => "(no id, no name)".to_owned(),
            };
            let message = match (found, &entry.name) {
                (None, _) => format!(
                    "the front matter lists objective {label} but the body has no section for \
                     it; the body wins, so it is not imported"
                ),
                (Some(o), Some(n)) if n.trim() != o.name => format!(
                    "the front matter names objective {label} but its section is titled {:?}; \
                     the section's name is kept",
                    o.name
                ),
                _ => continue,
            };
            self.warnings
                .push(warning(ParseErrorKind::FrontMatter, entry.at, message));
        }
    }

    /// `**Team**:` / `**Release**:` lines on objectives (PRD) against the plan's names.
    fn mentions(&mut self) {
        for m in std::mem::take(&mut self.mentions) {
            let value = m.value.trim();
            let named = match m.field {
                Field::Release => &mut self.plan.release,
                _ => &mut self.plan.team,
            };
            if value.is_empty() || value == named.name {
                continue;
            }
            if named.name.is_empty() {
                named.name = value.to_owned();
                continue;
            }
            let label = m.field.label().to_lowercase();
            let message = format!(
                "this objective says {label} {value:?} but the plan is for {:?}; the plan's \
                 {label} is kept",
                named.name
            );
            self.warnings
                .push(warning(ParseErrorKind::Value, m.at, message));
        }
    }

    /// One warning naming every kind of volatile or derived data that was dropped.
    fn volatile_warning(&mut self, fm: &FrontMatter) {
        if let Some(at) = fm.exported_at {
            self.dropped.exported_at = true;
            self.dropped.seen(at);
        }
        let d = &self.dropped;
        let Some(at) = d.first else {
            return;
        };
        let counted = |n: usize, what: &str| (n > 0).then(|| format!("{what} ({n})"));
        let parts: Vec<String> = [
            d.exported_at.then(|| "`exported_at`".to_owned()),
            counted(d.synced_at, "`synced_at`"),
            counted(d.last_synced, "`**Last Synced**:` lines"),
            counted(d.status_line, "the `_Sync Status_` line"),
            counted(d.see_jira, "\"see Jira for stories\" notes"),
            counted(d.reference_note, "the program objectives' read-only note"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let message = format!(
            "dropped volatile sync data that the current format keeps out of the plan: {}",
            parts.join(", ")
        );
        self.warnings
            .push(warning(ParseErrorKind::Structure, at, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_blank_lines_at_both_ends_only() {
        assert_eq!(join_trimmed(["", " ", "a", "", "b  ", ""]), "a\n\nb  ");
        assert_eq!(join_trimmed(["", "  "]), "");
    }
}
