// The form of one team objective and its features. Edits stay in the form until Save, which
// writes the whole plan file; what a push could not send (no name, an empty criterion, text in
// a number field, an owner who is not a Targetprocess user) is refused at its field, and
// findings from the last save show next to their fields. Unsaved edits are registered with the
// unsaved-edits guard, so no switch throws them away without asking.
import { Button, Group, Modal, Paper, Stack, Switch, SimpleGrid, Text, Textarea, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";

import { SyncBadge } from "../history/SyncBadge";
import type { FeatureDto, ObjectiveDto, PlanView, SyncChangeDto } from "../ipc";
import { count } from "../plural";
import { FeatureCard } from "./FeatureCard";
import { TemplateMenu } from "./TemplateMenu";
import { MoveButtons, useFocusAfterMove } from "./MoveButtons";
import { focusAfterMove, moved, notInTargetprocess, type Direction } from "./order";
import { ChoiceField, NumberField, OwnerField, TextField } from "./fields";
import { fieldFindings } from "./findings";
import { problemsOf, type Problems } from "./problems";
import { featuresStoryPoints, points } from "./Stories";
import { useRegisterUnsaved } from "./unsaved";

interface Props {
  view: PlanView;
  index: number;
  saving: boolean;
  /** Saves the objective; resolves true once it is saved. */
  onSave: (objective: ObjectiveDto) => Promise<boolean>;
  onRemove: () => void;
  /** Moves the saved objective up or down in the plan (a saved edit). */
  onMove: (delta: -1 | 1, direction: Direction) => void;
  /** Items that differ from Targetprocess at the last sync, by id. */
  syncChanges?: Map<string, SyncChangeDto>;
  /** The account's Targetprocess users (owner names), once known. */
  users?: string[];
  /** What the last action did ("Saved"), shown while the form has no new edits. */
  notice?: string | null;
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

/** Focuses (and scrolls to) the element with the id given last, after the next render. */
function useFocusAfterRender(): (id: string) => void {
  const target = useRef<string | null>(null);
  useEffect(() => {
    const id = target.current;
    if (!id) return;
    const el = document.getElementById(id);
    if (!el) return;
    target.current = null;
    el.scrollIntoView?.({ block: "center" });
    el.focus();
  });
  return (id) => {
    target.current = id;
  };
}

function RemoveObjective({ objective, onRemove, disabled }: { objective: ObjectiveDto; onRemove: () => void; disabled: boolean }) {
  const [asking, setAsking] = useState(false);
  const n = objective.features.length;
  const withFeatures = n === 0 ? "" : ` and ${count(n, "feature", "features")}`;
  return (
    <>
      <Button variant="subtle" color="red" className="pi-danger" onClick={() => setAsking(true)} disabled={disabled}>
        Remove objective
      </Button>
      <Modal opened={asking} onClose={() => setAsking(false)} title="Remove this objective?" centered>
        <Stack gap="md">
          <Text size="sm">
            “{objective.name || "(no name)"}”{withFeatures} will be removed from the plan.
            {n > 0 && " Its features go with it."} Targetprocess keeps them until you push; Undo last save brings them
            back.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" data-autofocus onClick={() => setAsking(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => {
                setAsking(false);
                onRemove();
              }}
            >
              Remove objective{withFeatures}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function ObjectiveForm({ view, index, saving, onSave, onRemove, onMove, syncChanges, users, notice }: Props) {
  const saved = view.plan.objectives[index];
  const [draft, setDraft] = useState<ObjectiveDto | undefined>(saved);
  /** Problems of text typed into number fields, by field key. */
  const [typed, setTyped] = useState<Problems>({});
  /** Criteria left empty show their problem once left or after a save was tried. */
  const [left, setLeft] = useState<Set<string>>(new Set());
  const [tried, setTried] = useState(false);
  const focusLater = useFocusAfterMove();
  const focusNew = useFocusAfterRender();
  const formRef = useRef<HTMLFormElement>(null);
  const dirty = !!saved && !!draft && JSON.stringify(draft) !== JSON.stringify(saved);
  const problems: Problems = saved && draft ? { ...problemsOf(draft, saved, users), ...typed } : {};
  const blocking = Object.keys(problems).length > 0;
  const shown = (key: string) => {
    const p = problems[key];
    if (!p) return null;
    return /\.c\d+$/.test(key) && !tried && !left.has(key) ? null : p;
  };

  /** Saves when nothing blocks it; otherwise shows every problem and focuses the first. */
  const trySave = async (): Promise<boolean> => {
    if (!draft) return true;
    if (blocking) {
      setTried(true);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return false;
    }
    return onSave(draft);
  };
  useRegisterUnsaved(
    dirty && draft
      ? { what: `the objective “${draft.name || saved?.name || "(no name)"}”`, save: trySave, discard: () => setDraft(saved) }
      : null,
  );

  if (!saved || !draft) return null;
  const at = (field: string) => fieldFindings(view.findings, index, null, field);
  const set = (patch: Partial<ObjectiveDto>) => setDraft({ ...draft, ...patch });
  const setTypedProblem = (key: string, problem: string | null) =>
    setTyped((t) => {
      const rest = Object.fromEntries(Object.entries(t).filter(([k]) => k !== key));
      return problem ? { ...rest, [key]: problem } : rest;
    });
  /** Feature problems follow their features by position: start them afresh. */
  const clearFeatureProblems = () => setTyped((t) => Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith("f"))));
  const setFeature = (i: number, f: FeatureDto) => set({ features: draft.features.map((x, j) => (j === i ? f : x)) });
  const moveFeature = (i: number, delta: -1 | 1, direction: Direction) => {
    const features = moved(draft.features, i, delta);
    set({ features });
    clearFeatureProblems();
    focusLater(`feature-${i + delta}-${focusAfterMove(features.length, i + delta, direction)}`);
  };
  const programOptions = view.plan.programObjectives.map((p) => ({ value: p.id, label: p.name }));
  const storiesPoints = featuresStoryPoints(draft.features);
  return (
    <form
      ref={formRef}
      aria-label="Objective"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void trySave();
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
                {storiesPoints !== null && (
                  <Text size="sm" c="dimmed" data-testid="objective-story-points">
                    Stories: {points(storiesPoints)}
                  </Text>
                )}
                {notInTargetprocess(saved.id) && (
                  <Text size="xs" c="dimmed" data-testid="not-in-tp">
                    not in Targetprocess yet
                  </Text>
                )}
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
            <TextField
              label="Name"
              value={draft.name}
              onChange={(v) => set({ name: v ?? "" })}
              findings={at("name")}
              problem={shown("name")}
              required
            />
            <SimpleGrid cols={{ base: 2, md: 3 }} spacing="sm">
              <ChoiceField
                label="Status"
                value={draft.status}
                options={view.statuses.objective.map((s) => ({ value: s, label: s }))}
                onChange={(v) => set({ status: v })}
                findings={at("status")}
              />
              <NumberField
                label="Effort"
                suffix=" pts"
                value={draft.effort}
                onChange={(v) => set({ effort: v })}
                onProblem={(p) => setTypedProblem("effort", p)}
                findings={at("effort")}
                problem={shown("effort")}
              />
              <OwnerField
                label="Owner"
                value={draft.owner}
                users={users ?? []}
                onChange={(v) => set({ owner: v })}
                findings={at("owner")}
                problem={shown("owner")}
              />
              <NumberField
                label="Business value"
                allowDecimal={false}
                value={draft.businessValue}
                onChange={(v) => set({ businessValue: v })}
                onProblem={(p) => setTypedProblem("businessValue", p)}
                findings={at("business_value")}
                problem={shown("businessValue")}
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
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                set({ features: [...draft.features, newFeature()] });
                focusNew(`feature-${draft.features.length}-name`);
              }}
            >
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
            users={users ?? []}
            problem={(key) => shown(`f${i}.${key}`)}
            onTypedProblem={(key, p) => setTypedProblem(`f${i}.${key}`, p)}
            onLeftCriterion={(j) => setLeft((s) => new Set(s).add(`f${i}.c${j}`))}
            onAddedCriterion={(j) => focusNew(`feature-${i}-criterion-${j}`)}
            onChange={(x) => setFeature(i, x)}
            onRemove={() => {
              set({ features: draft.features.filter((_, j) => j !== i) });
              clearFeatureProblems();
            }}
            onMove={(delta, direction) => moveFeature(i, delta, direction)}
            syncChange={f.id ? syncChanges?.get(f.id) : undefined}
          />
        ))}
        <Paper withBorder p="sm" pos="sticky" bottom={0} style={{ zIndex: 2, background: "var(--mantine-color-body)" }}>
          <Group justify="space-between">
            <Group gap="sm">
              <Button type="submit" disabled={!dirty} loading={saving}>
                Save
              </Button>
              <Button
                variant="default"
                disabled={!dirty || saving}
                onClick={() => {
                  setDraft(saved);
                  setTyped({});
                  setTried(false);
                }}
              >
                Discard changes
              </Button>
              <Text size="sm" c={dirty && blocking && tried ? "red" : dirty ? "dimmed" : "teal"} role="status" data-testid="save-state">
                {dirty
                  ? blocking && tried
                    ? `Not saved: ${count(Object.keys(problems).length, "field needs", "fields need")} fixing`
                    : "Unsaved changes"
                  : (notice ?? "")}
              </Text>
            </Group>
            <RemoveObjective objective={saved} onRemove={onRemove} disabled={saving} />
          </Group>
        </Paper>
      </Stack>
    </form>
  );
}
