// The plan editor: objectives on the left (one tab stop; the arrow keys move between them), the
// selected objective's form on the right, undo of the last save and the plan file's location.
// Every save writes the plan file; a switch to another objective with unsaved edits asks first.
import "./editor.css";

import { Alert, Badge, Button, Center, Grid, Group, List, Loader, NavLink, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { useState, type KeyboardEvent } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { usePlan, usePlanSave, usePlanUndo } from "../data";
import { SyncBadge, byId } from "../history/SyncBadge";
import { useSyncChanges } from "../history/hooks";
import type { FindingDto, ObjectiveDto, PlanDto, PlanView, SyncChangeDto } from "../ipc";
import { count as counted } from "../plural";
import { usePushGate } from "../sync/pushGate";
import { useFocusAfterMove } from "./MoveButtons";
import { ObjectiveForm } from "./ObjectiveForm";
import { TemplateMenu } from "./TemplateMenu";
import { errorCount, locateBlocking, markBlocking, stillBlocking } from "./findings";
import { useUndoPreview, useUsers } from "./hooks";
import { focusAfterMove, moved } from "./order";
import { useUnsavedGuard } from "./unsaved";

function newObjective(): ObjectiveDto {
  return {
    id: null,
    name: "New objective",
    description: "",
    status: null,
    effort: null,
    owner: null,
    committed: false,
    businessValue: null,
    actualBusinessValue: null,
    programObjective: null,
    features: [],
  };
}

/** The objectives as a single-select list box: one tab stop, arrows, Home and End move. */
function ObjectiveList({
  view,
  selected,
  onSelect,
  syncChanges,
}: {
  view: PlanView;
  selected: number;
  onSelect: (i: number, focus: boolean) => void;
  syncChanges: Map<string, SyncChangeDto>;
}) {
  const count = view.plan.objectives.length;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to = { ArrowDown: selected + 1, ArrowUp: selected - 1, Home: 0, End: count - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(count - 1, to));
    if (next !== selected) onSelect(next, true);
  };
  return (
    <nav aria-label="Objectives">
      <div role="listbox" aria-label="Objectives" aria-orientation="vertical" onKeyDown={onKeyDown} className="pi-objective-list">
        {view.plan.objectives.map((o, i) => {
          const errors = errorCount(view.findings, i);
          const facts = [o.effort !== null ? `${o.effort} pts` : "no effort", o.committed ? "committed" : "uncommitted", o.status ?? "no status"];
          return (
            <NavLink
              key={o.id ?? i}
              component="div"
              role="option"
              id={`objective-item-${i}`}
              aria-selected={i === selected}
              tabIndex={i === selected ? 0 : -1}
              active={i === selected}
              label={o.name || "(no name)"}
              description={facts.join(" · ")}
              onClick={() => i !== selected && onSelect(i, true)}
              onKeyDown={(e: KeyboardEvent<HTMLDivElement>) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  document.querySelector<HTMLElement>("form[aria-label=Objective] input")?.focus();
                }
              }}
              rightSection={
                <Group gap={4} wrap="nowrap">
                  <SyncBadge change={o.id ? syncChanges.get(o.id) : undefined} />
                  {errors > 0 && (
                    <Badge color="red" size="sm" aria-label={`${errors} problems`}>
                      {errors}
                    </Badge>
                  )}
                </Group>
              }
              data-testid="objective-item"
            />
          );
        })}
      </div>
    </nav>
  );
}

function PlanLevelFindings({ view }: { view: PlanView }) {
  const planLevel = view.findings.filter((f) => f.objective === null);
  if (planLevel.length === 0) return null;
  return (
    <Alert color="orange" variant="light" title="About the whole plan">
      {planLevel.map((f) => (
        <Text key={f.rule + f.message} size="sm">
          {f.message}
        </Text>
      ))}
    </Alert>
  );
}

/** The errors that stopped the last push, each with a button to its field; once fixed, says so. */
function PushGateFindings({
  view,
  blocking,
  onShow,
}: {
  view: PlanView;
  blocking: FindingDto[];
  onShow: (f: FindingDto) => void;
}) {
  if (blocking.length === 0) return null;
  const left = stillBlocking(view.findings, blocking);
  if (left.length === 0)
    return (
      <Alert color="green" variant="light" title="The errors that stopped the push are fixed" data-testid="push-gate">
        <Text size="sm">Push again to send your changes to Targetprocess.</Text>
      </Alert>
    );
  const where = (f: FindingDto) => {
    if (f.objective === null) return "The plan";
    const o = view.plan.objectives[f.objective];
    const name = f.feature === null ? o?.name : o?.features[f.feature]?.name;
    return `“${name || "(no name)"}”`;
  };
  return (
    <Alert color="red" variant="light" title={`Not pushed: ${counted(left.length, "error stops", "errors stop")} the push`} data-testid="push-gate">
      <Stack gap={4}>
        <Text size="sm">Fix each one at its field (marked “this stops the push”), save, then push again.</Text>
        <List size="sm">
          {left.map((f) => (
            <List.Item key={`${f.rule}:${f.objective}:${f.feature}:${f.field}`} data-testid="push-gate-finding">
              {f.objective !== null ? (
                <Button variant="subtle" size="compact-sm" px={2} onClick={() => onShow(f)}>
                  {where(f)}
                </Button>
              ) : (
                where(f)
              )}
              : {f.message}
            </List.Item>
          ))}
        </List>
      </Stack>
    </Alert>
  );
}

/** Focuses the first field marked with an error: of feature `feature` (its card), else of the form. */
function focusFinding(feature: number | null) {
  const form = document.querySelector<HTMLElement>("form[aria-label=Objective]");
  const card = feature === null ? null : document.getElementById(`feature-${feature}-name`)?.closest("section");
  const field = (card ?? form)?.querySelector<HTMLElement>("[aria-invalid=true]");
  field?.scrollIntoView?.({ block: "center" });
  field?.focus();
}

/** "Undo last save" with what it will undo, and what the last undo undid. */
function UndoLastSave({
  view,
  dataVersion,
  undone,
  onUndone,
}: {
  view: PlanView;
  dataVersion: number;
  /** What the last undo undid, until the next save. */
  undone: string[] | null;
  onUndone: (what: string[]) => void;
}) {
  const undo = usePlanUndo();
  const guard = useUnsavedGuard();
  const preview = useUndoPreview(dataVersion, view.canUndo);
  const changes = view.canUndo ? (preview.data?.changes ?? []) : [];
  return (
    <Stack gap={4}>
      <Button
        size="xs"
        variant="default"
        disabled={!view.canUndo || undo.isPending}
        aria-describedby={changes.length > 0 ? "undo-what" : undefined}
        onClick={() =>
          guard(async () => {
            const what = changes;
            await undo.mutateAsync();
            onUndone(what);
          })
        }
      >
        Undo last save
      </Button>
      {changes.length > 0 && (
        <Text size="xs" c="dimmed" id="undo-what" data-testid="undo-what">
          Undo last save: {changes.join("; ")}
        </Text>
      )}
      {undone && (
        <Text size="xs" c="teal" role="status" data-testid="undone">
          Undone: {undone.join("; ")}
        </Text>
      )}
      <ErrorAlert error={undo.error} />
    </Stack>
  );
}

function Editor({ view, dataVersion }: { view: PlanView; dataVersion: number }) {
  const blocking = locateBlocking(view.plan, usePushGate());
  // A plan opened on what stopped its push (the train's "Show the errors") starts at its first error.
  const [selected, setSelected] = useState(() => blocking.find((b) => b.objective !== null)?.objective ?? 0);
  const [notice, setNotice] = useState<string | null>(null);
  const [undone, setUndone] = useState<string[] | null>(null);
  const focusLater = useFocusAfterMove(dataVersion);
  const guard = useUnsavedGuard();
  const save = usePlanSave();
  const users = useUsers(dataVersion).data?.map((u) => u.name);
  const syncChanges = byId(useSyncChanges(dataVersion).data);
  const shown: PlanView = { ...view, findings: markBlocking(view.findings, stillBlocking(view.findings, blocking)) };
  const count = view.plan.objectives.length;
  const index = Math.min(selected, Math.max(0, count - 1));
  const savePlan = (plan: PlanDto) => {
    setUndone(null);
    return save.mutateAsync(plan);
  };
  const replace = (objectives: ObjectiveDto[]) => ({ ...view.plan, objectives });
  const select = (i: number, focus: boolean) =>
    guard(() => {
      setSelected(i);
      setNotice(null);
      if (focus) requestAnimationFrame(() => document.getElementById(`objective-item-${i}`)?.focus());
    });
  return (
    <Grid gap="lg" className="pi-editor">
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Title order={2} size="h4">
              Objectives ({count})
            </Title>
          </Group>
          <UndoLastSave
            view={view}
            dataVersion={dataVersion}
            undone={undone}
            onUndone={(what) => {
              setNotice(null);
              setUndone(what);
            }}
          />
          <ScrollArea.Autosize mah="calc(100vh - 280px)" offsetScrollbars>
            <ObjectiveList view={shown} selected={index} onSelect={select} syncChanges={syncChanges} />
          </ScrollArea.Autosize>
          <Button
            variant="light"
            onClick={() =>
              guard(async () => {
                await savePlan(replace([...view.plan.objectives, newObjective()]));
                setSelected(count);
                requestAnimationFrame(() => document.querySelector<HTMLElement>("form[aria-label=Objective] input")?.focus());
              })
            }
            loading={save.isPending}
          >
            Add objective
          </Button>
          <TemplateMenu kind="objective" onAdded={(v) => setSelected(v.plan.objectives.length - 1)} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <Stack gap="md">
          <PushGateFindings
            view={view}
            blocking={blocking}
            onShow={(f) => {
              const at = f.objective;
              if (at === null) return;
              const focus = () => requestAnimationFrame(() => requestAnimationFrame(() => focusFinding(f.feature)));
              if (at === index) return focus();
              guard(() => {
                setSelected(at);
                setNotice(null);
                focus();
              });
            }}
          />
          <PlanLevelFindings view={view} />
          <ErrorAlert error={save.error} />
          {count === 0 ? (
            <Text c="dimmed">This plan has no objectives yet. Add the first one.</Text>
          ) : (
            <ObjectiveForm
              key={`${index}:${dataVersion}`}
              view={shown}
              index={index}
              saving={save.isPending}
              users={users}
              notice={notice}
              onSave={async (o) => {
                try {
                  await savePlan(replace(view.plan.objectives.map((x, i) => (i === index ? o : x))));
                  setNotice("Saved");
                  return true;
                } catch {
                  return false;
                }
              }}
              onRemove={async () => {
                await savePlan(replace(view.plan.objectives.filter((_, i) => i !== index)));
                setSelected(Math.max(0, index - 1));
                setNotice("Objective removed");
              }}
              syncChanges={syncChanges}
              onMove={async (delta, direction) => {
                await savePlan(replace(moved(view.plan.objectives, index, delta)));
                setSelected(index + delta);
                focusLater(`objective-${focusAfterMove(count, index + delta, direction)}`);
              }}
            />
          )}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

export function PlanEditor() {
  const plan = usePlan(true);
  if (plan.isPending)
    return (
      <Center h={200}>
        <Loader aria-label="Loading the plan" />
      </Center>
    );
  if (plan.error) return <ErrorAlert error={plan.error} title="The plan could not be opened" />;
  return <Editor view={plan.data} dataVersion={plan.dataUpdatedAt} />;
}
