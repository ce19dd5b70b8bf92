// The plan editor: objectives on the left, the selected objective's form on the right, undo of
// the last edit and the plan file's location. Every save writes the plan file.
import { Alert, Badge, Button, Center, Grid, Group, Loader, NavLink, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { usePlan, usePlanSave, usePlanUndo } from "../data";
import { SyncBadge, byId } from "../history/SyncBadge";
import { useSyncChanges } from "../history/hooks";
import type { ObjectiveDto, PlanDto, PlanView, SyncChangeDto } from "../ipc";
import { useFocusAfterMove } from "./MoveButtons";
import { ObjectiveForm } from "./ObjectiveForm";
import { TemplateMenu } from "./TemplateMenu";
import { errorCount } from "./findings";
import { focusAfterMove, moved } from "./order";

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

function ObjectiveList({
  view,
  selected,
  onSelect,
  syncChanges,
}: {
  view: PlanView;
  selected: number;
  onSelect: (i: number) => void;
  syncChanges: Map<string, SyncChangeDto>;
}) {
  return (
    <nav aria-label="Objectives">
      {view.plan.objectives.map((o, i) => {
        const errors = errorCount(view.findings, i);
        const facts = [o.effort !== null ? `${o.effort} pts` : "no effort", o.committed ? "committed" : "uncommitted", o.status ?? "no status"];
        return (
          <NavLink
            key={o.id ?? i}
            component="button"
            type="button"
            aria-current={i === selected ? "true" : undefined}
            active={i === selected}
            label={o.name || "(no name)"}
            description={facts.join(" · ")}
            onClick={() => onSelect(i)}
            rightSection={
              <Group gap={4} wrap="nowrap">
                <SyncBadge change={o.id ? syncChanges.get(o.id) : undefined} />
                {errors > 0 && <Badge color="red" size="sm" aria-label={`${errors} problems`}>{errors}</Badge>}
              </Group>
            }
            data-testid="objective-item"
          />
        );
      })}
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

function Editor({ view, dataVersion }: { view: PlanView; dataVersion: number }) {
  const [selected, setSelected] = useState(0);
  const focusLater = useFocusAfterMove(dataVersion);
  const save = usePlanSave();
  const undo = usePlanUndo();
  const syncChanges = byId(useSyncChanges(dataVersion).data);
  const count = view.plan.objectives.length;
  const index = Math.min(selected, Math.max(0, count - 1));
  const savePlan = (plan: PlanDto) => save.mutateAsync(plan);
  const replace = (objectives: ObjectiveDto[]) => ({ ...view.plan, objectives });
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h4">
              Objectives ({count})
            </Title>
            <Button
              size="xs"
              variant="default"
              disabled={!view.canUndo || undo.isPending}
              onClick={() => undo.mutate()}
              title="Put the plan back as it was before the last save"
            >
              Undo last edit
            </Button>
          </Group>
          <ScrollArea.Autosize mah="calc(100vh - 240px)">
            <ObjectiveList view={view} selected={index} onSelect={setSelected} syncChanges={syncChanges} />
          </ScrollArea.Autosize>
          <Button
            variant="light"
            onClick={async () => {
              await savePlan(replace([...view.plan.objectives, newObjective()]));
              setSelected(count);
            }}
            loading={save.isPending}
          >
            Add objective
          </Button>
          <TemplateMenu kind="objective" onAdded={(v) => setSelected(v.plan.objectives.length - 1)} />
          <Text size="xs" c="dimmed" data-testid="plan-file" style={{ wordBreak: "break-all" }}>
            Plan file: {view.planFile}
          </Text>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <Stack gap="md">
          <PlanLevelFindings view={view} />
          <ErrorAlert error={save.error ?? undo.error} />
          {count === 0 ? (
            <Text c="dimmed">This plan has no objectives yet. Add the first one.</Text>
          ) : (
            <ObjectiveForm
              key={`${index}:${dataVersion}`}
              view={view}
              index={index}
              saving={save.isPending}
              onSave={(o) => savePlan(replace(view.plan.objectives.map((x, i) => (i === index ? o : x))))}
              onRemove={async () => {
                await savePlan(replace(view.plan.objectives.filter((_, i) => i !== index)));
                setSelected(Math.max(0, index - 1));
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
