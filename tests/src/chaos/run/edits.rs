//! A scenario's edits: the planner's edits of the plan file and Targetprocess edits made by
//! someone else while the engine runs.

use super::*;

impl Scenario {
    pub(super) fn local_edit(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let mut targets: Vec<(usize, Option<usize>)> = Vec::new();
        for (oi, o) in plan.objectives.iter().enumerate() {
            targets.push((oi, None));
            targets.extend((0..o.features.len()).map(|fi| (oi, Some(fi))));
        }
        let Some(&(oi, fi)) = self.rng.pick(&targets) else {
            return;
        };
        let field = [
            Field::Name,
            Field::Description,
            Field::Status,
            Field::Effort,
            Field::Owner,
        ][self.rng.below(5)];
        let states = if fi.is_some() {
            &FEATURE_STATES
        } else {
            &OBJECTIVE_STATES
        };
        let value = match field {
            Field::Name => FieldValue::Text(format!("Chaos name {}", self.rng.below(3))),
            Field::Description => FieldValue::Text(format!("Chaos text {}", self.rng.below(3))),
            Field::Status => FieldValue::OptText(Some(states[self.rng.below(5)].to_owned())),
            // Now and then a name Targetprocess does not know: the push refuses it.
            Field::Owner if self.rng.chance(25) => {
                self.refusals += 1;
                FieldValue::OptText(Some(UNKNOWN_OWNER.into()))
            }
            Field::Owner => FieldValue::OptText(self.rng.pick(&self.user_names).cloned()),
            _ => FieldValue::Effort(Effort::new(EFFORTS[self.rng.below(EFFORTS.len())])),
        };
        let (id, was) = match fi {
            None => {
                let o = &mut plan.objectives[oi];
                let was = objective_get(o, field);
                objective_set(o, field, value.clone());
                (o.id.clone(), was)
            }
            Some(fi) => {
                let f = &mut plan.objectives[oi].features[fi];
                let was = feature_get(f, field);
                feature_set(f, field, value.clone());
                (f.id.clone(), was)
            }
        };
        self.typed(&plan, &id, field, &was, value);
    }

    /// The planner typed `value` into `field` of `id` (it was `was`): the plan file is written
    /// and the ledger told.
    pub(super) fn typed(
        &mut self,
        plan: &Plan,
        id: &EntityId,
        field: Field,
        was: &FieldValue,
        value: FieldValue,
    ) {
        let id = id.clone();
        let handle = self.handle_of(&id);
        if same(was, &value) {
            // Typing the value the file already holds changes nothing: not an edit.
            self.log(format!("local edit: {field} of {handle} already {value:?}"));
            return;
        }
        self.write_plan(plan);
        self.stats.local_edits += 1;
        // Back to the value of the last sync: the engine sees the plan file, not the typing, so
        // there is no local change of the field left.
        if back_to_sync(&self.ws(), &id, field, &value) {
            self.log(format!(
                "local edit: {field} of {handle} = {value:?}, back to the last sync"
            ));
            self.ledger
                .local_edit_undone(handle, Slot::Field(field), &value);
            return;
        }
        self.log(format!("local edit: {field} of {handle} = {value:?}"));
        self.ledger
            .local_edit(handle, Slot::Field(field), self.step, value);
    }

    pub(super) fn handle_of(&self, id: &EntityId) -> EntityId {
        match id.tp() {
            Some(n) => self.handles().remove(&n).unwrap_or_else(|| id.clone()),
            None => id.clone(),
        }
    }

    pub(super) fn new_id(&mut self, prefix: &str) -> EntityId {
        self.next_new += 1;
        EntityId::Local(LocalId::new(&format!("{prefix}{}", self.next_new)).expect("local id"))
    }

    pub(super) fn record_new(&mut self, id: &EntityId, fields: &[(Field, FieldValue)]) {
        self.ledger.local_edit(
            id.clone(),
            Slot::Presence,
            self.step,
            FieldValue::Text("present".into()),
        );
        for (f, v) in fields {
            self.ledger
                .local_edit(id.clone(), Slot::Field(*f), self.step, v.clone());
        }
        self.stats.local_edits += 1;
    }

    pub(super) fn add_objective(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let id = self.new_id("chaos-o");
        let name = format!("Chaos objective {}-{}", self.seed, self.next_new);
        let o = TeamObjective {
            id: id.clone(),
            name: name.clone(),
            description: String::new(),
            status: Some("Draft".into()),
            effort: Effort::new(3.0),
            owner: None,
            committed: false,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features: Vec::new(),
        };
        // Every field of a new objective is what the planner typed.
        let fields: Vec<(Field, FieldValue)> = super::super::model::OBJECTIVE_SLOTS
            .into_iter()
            .map(|f| (f, objective_get(&o, f)))
            .collect();
        plan.objectives.push(o);
        self.write_plan(&plan);
        self.log(format!("local add objective {id} {name:?}"));
        self.record_new(&id, &fields);
    }

    pub(super) fn add_feature(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        if plan.objectives.is_empty() {
            return;
        }
        let oi = self.rng.below(plan.objectives.len());
        let id = self.new_id("chaos-f");
        let name = format!("Chaos feature {}-{}", self.seed, self.next_new);
        let f = Feature {
            id: id.clone(),
            kind: FeatureKind::Feature,
            name: name.clone(),
            description: String::new(),
            status: Some("Funnel".into()),
            effort: Effort::new(2.0),
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        };
        let fields: Vec<(Field, FieldValue)> = super::super::model::FEATURE_SLOTS
            .into_iter()
            .map(|x| (x, feature_get(&f, x)))
            .collect();
        let parent = plan.objectives[oi].id.clone();
        plan.objectives[oi].features.push(f);
        self.write_plan(&plan);
        self.log(format!("local add feature {id} {name:?} under {parent}"));
        self.record_new(&id, &fields);
    }

    /// Deletes a feature that has a Targetprocess id (features whose create is still in
    /// flight are not deleted: see docs/chaos.md).
    pub(super) fn delete_feature(&mut self) {
        let Some(mut plan) = self.read_plan() else {
            return;
        };
        let targets: Vec<(usize, usize)> = plan
            .objectives
            .iter()
            .enumerate()
            .flat_map(|(oi, o)| {
                o.features
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.id.tp().is_some())
                    .map(move |(fi, _)| (oi, fi))
            })
            .collect();
        let Some(&(oi, fi)) = self.rng.pick(&targets) else {
            return;
        };
        let f = plan.objectives[oi].features.remove(fi);
        self.write_plan(&plan);
        let handle = self.handle_of(&f.id);
        self.log(format!("local delete feature {handle} {:?}", f.name));
        self.ledger
            .local_edit(handle, Slot::Presence, self.step, FieldValue::Missing);
        self.stats.local_edits += 1;
    }

    /// Another planner edits an entity in Targetprocess.
    pub(super) async fn tp_edit(&mut self) {
        let Ok(before) = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
        else {
            self.log("tp edit skipped: fetch failed".into());
            return;
        };
        let handles = self.handles();
        let known = |id: &EntityId| {
            id.tp().is_some_and(|n| {
                handles.contains_key(&n)
                    || self
                        .ledger
                        .initial
                        .contains_key(&(id.clone(), Slot::Presence))
            })
        };
        let mut targets: Vec<(EntityId, bool)> = Vec::new();
        for o in &before.plan.objectives {
            if known(&o.id) {
                targets.push((o.id.clone(), false));
            }
            for f in &o.features {
                if known(&f.id) {
                    targets.push((f.id.clone(), true));
                }
            }
        }
        // Half the time, when a push was interrupted, another planner edits a field that push
        // still has to send: the race a resume must not lose.
        let in_flight = self.in_flight_updates();
        let (id, is_feature, field) = match self.rng.pick(&in_flight).cloned() {
            Some(target) if self.rng.chance(50) => target,
            _ => {
                let Some((id, is_feature)) = self.rng.pick(&targets).cloned() else {
                    return;
                };
                let fields: &[Field] = if is_feature {
                    &[
                        Field::Name,
                        Field::Description,
                        Field::Status,
                        Field::Effort,
                        Field::Owner,
                        Field::AcceptanceCriteria,
                    ]
                } else {
                    &[
                        Field::Name,
                        Field::Description,
                        Field::Status,
                        Field::Effort,
                        Field::Owner,
                    ]
                };
                (id, is_feature, fields[self.rng.below(fields.len())])
            }
        };
        if !targets.iter().any(|(t, _)| t == &id) {
            return;
        }
        let n = id.tp().expect("tp id");
        let resource = if is_feature {
            "Features"
        } else {
            "TeamPIObjectives"
        };
        // Now and then another planner types a hostile name or description.
        let hostile = match field {
            Field::Name if self.rng.chance(HOSTILE_EDIT_PERCENT) => {
                Some(("Name", pi_sim::hostile::NAME_COUNT * 3))
            }
            Field::Description if self.rng.chance(HOSTILE_EDIT_PERCENT) => {
                Some(("Description", pi_sim::hostile::DESCRIPTION_COUNT))
            }
            _ => None,
        }
        .map(|(wire, count)| (wire, self.rng.below(count as usize) as u64));
        let body = match field {
            Field::Name => json!({"Name": format!("Chaos name {}", self.rng.below(3))}),
            Field::Description => {
                json!({"Description": format!("<p>Chaos text {}</p>", self.rng.below(3))})
            }
            Field::Status => {
                let first = if is_feature { 121 } else { 101 };
                json!({"EntityState": {"Id": first + self.rng.below(5)}})
            }
            Field::Effort => json!({"Effort": EFFORTS[self.rng.below(EFFORTS.len())]}),
            Field::Owner => {
                json!({"Owner": {"Id": self.rng.pick(&self.users).copied().unwrap_or(1)}})
            }
            _ => criteria_rewrite(&self.tp, n),
        };
        let control = self.tp.sim.control();
        let edited = match hostile {
            Some((wire, pick)) => control.set_hostile(resource, n, wire, pick),
            None => control.update_entity(resource, n, body),
        };
        if let Err(e) = edited {
            self.log(format!("tp edit of {id} refused: {e}"));
            return;
        }
        self.tp_written.insert((EntityId::Tp(n), field));
        let Ok(after) = self
            .tp
            .client
            .fetch_team_plan(self.release, self.team)
            .await
        else {
            self.log("tp edit: fetch after failed".into());
            return;
        };
        let get = |p: &Plan| {
            super::super::model::values(p)
                .into_iter()
                .find(|(e, s, _)| e == &id && *s == Slot::Field(field))
                .map(|(_, _, v)| v)
        };
        let (Some(was), Some(now)) = (get(&before.plan), get(&after.plan)) else {
            return;
        };
        let handle = handles.get(&n).cloned().unwrap_or(id);
        let shown = |v: &FieldValue| {
            let text = format!("{v:?}");
            match text.char_indices().nth(120) {
                Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
                None => text,
            }
        };
        self.log(format!(
            "TP edit{}: {field} of {handle} {} -> {}",
            if hostile.is_some() { " (hostile)" } else { "" },
            shown(&was),
            shown(&now)
        ));
        self.ledger.tp_edit(
            handle.clone(),
            field,
            TpEdit {
                step: self.step,
                before: was,
                value: now.clone(),
            },
        );
        self.stats.tp_edits += 1;
        self.stats.hostile_edits += usize::from(hostile.is_some());
        // Back to the value of the plan's last sync: the engine sees no change of the field in
        // Targetprocess since then.
        if back_to_sync(&self.ws(), &EntityId::Tp(n), field, &now) {
            self.log("    back to the last sync's value in Targetprocess".into());
            self.ledger.tp_edit_undone(handle, field, self.step, &now);
        }
    }
}
