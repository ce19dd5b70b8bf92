// The form of one team objective and its features. Edits stay in the form until Save, which
// writes the whole plan file; findings from the last save show next to their fields.
import { Button, Group, Paper, Stack, Switch, SimpleGrid, Text, Textarea, Title } from "@mantine/core";
import { useState } from "react";

import { SyncBadge } from "../history/SyncBadge";
import type { FeatureDto, ObjectiveDto, PlanView, SyncChangeDto } from "../ipc";
import { FeatureCard } from "./FeatureCard";
import { TemplateMenu } from "./TemplateMenu";
import { MoveButtons, useFocusAfterMove } from "./MoveButtons";
import { focusAfterMove, moved, type Direction } from "./order";
import { ChoiceField, NumberField, TextField } from "./fields";
import { fieldFindings } from "./findings";

interface Props {
  view: PlanView;
  index: number;
  saving: boolean;
  onSave: (objective: ObjectiveDto) => void;
  onRemove: () => void;
  /** Moves the saved objective up or down in the plan (a saved edit). */
  onMove: (delta: -1 | 1, direction: Direction) => void;
  /** Items that differ from Targetprocess at the last sync, by id. */
  syncChanges?: Map<string, SyncChangeDto>;
}

function newFeature(): FeatureDto {
  return {
    id: null,
    kind: "feature",
    name: "New feature",
    description: "",
    status: null,
    effort: null,
    owner: null,
    acceptanceCriteria: [],
    jiraKey: null,
    jiraUrl: null,
    jiraBrowseUrl: null,
    stories: [],
  };
}

export function ObjectiveForm({ view, index, saving, onSave, onRemove, onMove, syncChanges }: Props) {
  const saved = view.plan.objectives[index];
  const [draft, setDraft] = useState<ObjectiveDto | undefined>(saved);
  const focusLater = useFocusAfterMove();
  if (!saved || !draft) return null;
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const at = (field: string) => fieldFindings(view.findings, index, null, field);
  const set = (patch: Partial<ObjectiveDto>) => setDraft({ ...draft, ...patch });
  const setFeature = (i: number, f: FeatureDto) =>
    set({ features: draft.features.map((x, j) => (j === i ? f : x)) });
  const moveFeature = (i: number, delta: -1 | 1, direction: Direction) => {
    const features = moved(draft.features, i, delta);
    set({ features });
    focusLater(`feature-${i + delta}-${focusAfterMove(features.length, i + delta, direction)}`);
  };
  const programOptions = view.plan.programObjectives.map((p) => ({ value: p.id, label: p.name }));
  return (
    <form
      aria-label="Objective"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(draft);
      }}
    >
      <Stack gap="md">
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Group justify="space-between">
              <Group gap="sm" wrap="nowrap">
                <Title order={2} size="h4">
                  Objective {index + 1} of {view.plan.objectives.length}
                </Title>
                <Text size="xs" c="dimmed">
                  {saved.id}
                </Text>
                <SyncBadge change={saved.id ? syncChanges?.get(saved.id) : undefined} />
              </Group>
              <MoveButtons
                what="objective"
                index={index}
                length={view.plan.objectives.length}
                id="objective"
                disabled={dirty || saving}
                hint={dirty ? "Save or discard your changes to move this objective" : undefined}
                onMove={onMove}
              />
            </Group>
            <TextField label="Name" value={draft.name} onChange={(v) => set({ name: v ?? "" })} findings={at("name")} required />
            <SimpleGrid cols={3} spacing="sm">
              <ChoiceField
                label="Status"
                value={draft.status}
                options={view.statuses.objective.map((s) => ({ value: s, label: s }))}
                onChange={(v) => set({ status: v })}
                findings={at("status")}
              />
              <NumberField label="Effort" suffix=" pts" value={draft.effort} onChange={(v) => set({ effort: v })} findings={at("effort")} />
              <TextField label="Owner" value={draft.owner} onChange={(v) => set({ owner: v })} findings={at("owner")} />
              <NumberField
                label="Business value"
                allowDecimal={false}
                value={draft.businessValue}
                onChange={(v) => set({ businessValue: v === null ? null : Math.max(0, Math.round(v)) })}
                findings={at("business_value")}
              />
              <ChoiceField
                label="Program objective"
                value={draft.programObjective}
                options={programOptions}
                onChange={(v) => set({ programObjective: v })}
                findings={at("program_objective")}
              />
              <Switch
                label="Committed"
                description="Off for an uncommitted (stretch) objective"
                checked={draft.committed}
                onChange={(e) => set({ committed: e.currentTarget.checked })}
                mt="lg"
              />
            </SimpleGrid>
            <Textarea
              label="Description"
              autosize
              minRows={2}
              maxRows={10}
              value={draft.description}
              onChange={(e) => set({ description: e.currentTarget.value })}
              error={at("description").error}
            />
          </Stack>
        </Paper>
        <Group justify="space-between">
          <Title order={3} size="h5">
            Features ({draft.features.length})
          </Title>
          <Group gap="xs">
            <Button size="xs" variant="light" onClick={() => set({ features: [...draft.features, newFeature()] })}>
              Add feature
            </Button>
            <TemplateMenu kind="feature" objective={saved.id} disabled={dirty} disabledWhy="Save or undo your edits of this objective first" />
          </Group>
        </Group>
        {draft.features.map((f, i) => (
          <FeatureCard
            key={f.id ?? `new-${i}`}
            feature={f}
            objective={index}
            index={i}
            count={draft.features.length}
            findings={view.findings}
            statuses={view.statuses.feature}
            onChange={(x) => setFeature(i, x)}
            onRemove={() => set({ features: draft.features.filter((_, j) => j !== i) })}
            onMove={(delta, direction) => moveFeature(i, delta, direction)}
            syncChange={f.id ? syncChanges?.get(f.id) : undefined}
          />
        ))}
        <Paper
          withBorder
          p="sm"
          pos="sticky"
          bottom={0}
          style={{ zIndex: 2, background: "var(--mantine-color-body)" }}
        >
          <Group justify="space-between">
            <Group gap="sm">
              <Button type="submit" disabled={!dirty} loading={saving}>
                Save
              </Button>
              <Button variant="default" disabled={!dirty || saving} onClick={() => setDraft(saved)}>
                Discard changes
              </Button>
              {dirty && (
                <Text size="sm" c="dimmed">
                  Unsaved changes
                </Text>
              )}
            </Group>
            <Button variant="subtle" color="red" onClick={onRemove} disabled={saving}>
              Remove objective
            </Button>
          </Group>
        </Paper>
      </Stack>
    </form>
  );
}
