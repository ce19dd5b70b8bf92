// The History screen: the plan's versions as a timeline (saves, teammates' edits, pulls with the
// Targetprocess users behind them, pushes, baselines), two of them picked to compare — any
// version, the working plan, Targetprocess at the last pull, or a baseline — shown side by side
// or inline, the team's committed effort over time, and the conflicts pulls found and who
// resolved them (the shared op log's).
import {
  Badge,
  Button,
  Center,
  Grid,
  Group,
  Loader,
  NativeSelect,
  Paper,
  ScrollArea,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
  Timeline,
  Title,
} from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import type { AuditEventDto, HistoryDto, VersionDto } from "../ipc";
import { ConflictLog } from "./ConflictLog";
import { DiffView, type DiffMode } from "./DiffView";
import { EffortChart } from "./EffortChart";
import { useCompare, useHistory } from "./hooks";
import { KIND_COLORS, KIND_LABELS, attribution, versionName, when } from "./words";

const WORKING = "working";
const TRACKING = "tp";

function options(history: HistoryDto) {
  return [
    {
      group: "Now",
      items: [
        { value: WORKING, label: "Working plan" },
        { value: TRACKING, label: "Targetprocess (last pull)" },
      ],
    },
    ...(history.baselines.length > 0
      ? [{ group: "Baselines", items: history.baselines.map((b) => ({ value: `baseline:${b.name}`, label: `Baseline ${b.name}` })) }]
      : []),
    { group: "Versions", items: history.versions.map((v) => ({ value: v.rev, label: versionName(v) })) },
  ];
}

function VersionItem({
  v,
  before,
  after,
  onPick,
}: {
  v: VersionDto;
  before: string;
  after: string;
  onPick: (side: "before" | "after", rev: string) => void;
}) {
  const more = v.changed - v.changes.length;
  return (
    <Stack gap={4} data-testid="version" data-rev={v.rev}>
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Group gap={6} wrap="wrap">
          <Badge size="sm" variant="light" color={KIND_COLORS[v.kind]}>
            {KIND_LABELS[v.kind]}
          </Badge>
          {v.baselines.map((b) => (
            <Badge key={b} size="sm" color="orange" variant="filled">
              Baseline {b}
            </Badge>
          ))}
        </Group>
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-xs"
            variant={before === v.rev ? "filled" : "default"}
            aria-pressed={before === v.rev}
            aria-label={`Before: compare from ${versionName(v)}`}
            onClick={() => onPick("before", v.rev)}
          >
            Before
          </Button>
          <Button
            size="compact-xs"
            variant={after === v.rev ? "filled" : "default"}
            aria-pressed={after === v.rev}
            aria-label={`After: compare to ${versionName(v)}`}
            onClick={() => onPick("after", v.rev)}
          >
            After
          </Button>
        </Group>
      </Group>
      <Text size="sm">{attribution(v)}</Text>
      <Text size="xs" c="dimmed">
        {when(v.at)}
      </Text>
      {v.changes.map((c) => (
        <Text key={c} size="xs" style={{ overflowWrap: "anywhere" }}>
          {c}
        </Text>
      ))}
      {more > 0 && (
        <Text size="xs" c="dimmed">
          and {more} more
        </Text>
      )}
    </Stack>
  );
}

/** A push that failed or that Targetprocess refused in part: it made no version, but it happened. */
function FailedPush({ e }: { e: AuditEventDto }) {
  const refusedOnly = !e.summary.startsWith("Push failed");
  return (
    <Stack gap={4} data-testid="failed-push">
      <Group gap={6}>
        <Badge size="sm" variant="light" color={refusedOnly ? "orange" : "red"}>
          {refusedOnly ? "Push partly refused" : "Push failed"}
        </Badge>
      </Group>
      <Text size="sm">{e.who.replace(/ <[^>]*>$/, "")}</Text>
      <Text size="xs" c="dimmed">
        {when(e.at)}
      </Text>
      <Text size="xs" style={{ overflowWrap: "anywhere" }}>
        {e.summary}
      </Text>
    </Stack>
  );
}

type TimelineItem = { kind: "version"; v: VersionDto; at: number } | { kind: "failed"; e: AuditEventDto; at: number };

/** Versions and failed pushes, newest first. */
function timeline(history: HistoryDto): TimelineItem[] {
  const t = (at: string) => new Date(at).getTime() || 0;
  const items: TimelineItem[] = [
    ...history.versions.map((v) => ({ kind: "version" as const, v, at: t(v.at) })),
    ...history.failedPushes.map((e) => ({ kind: "failed" as const, e, at: t(e.at) })),
  ];
  return items.sort((a, b) => b.at - a.at);
}

function Versions({
  history,
  before,
  after,
  onPick,
}: {
  history: HistoryDto;
  before: string;
  after: string;
  onPick: (side: "before" | "after", rev: string) => void;
}) {
  return (
    <Paper withBorder p="sm">
      <Stack gap="sm">
        <Title order={3} size="h5">
          Versions ({history.versions.length})
        </Title>
        {history.capped && (
          <Text size="xs" c="dimmed" data-testid="history-capped">
            Showing the newest {history.limit} versions; older ones are not listed.
          </Text>
        )}
        {history.uncommitted && (
          <Text size="xs" c="orange">
            Your plan has edits that are not in any version yet (compare with the working plan).
          </Text>
        )}
        <ScrollArea.Autosize mah="calc(100vh - 280px)" type="auto" offsetScrollbars>
          <Timeline bulletSize={14} lineWidth={2} aria-label="Versions of the plan">
            {timeline(history).map((item) =>
              item.kind === "version" ? (
                <Timeline.Item key={item.v.rev} color={KIND_COLORS[item.v.kind]} lineVariant={item.v.kind === "pull" ? "dashed" : "solid"}>
                  <VersionItem v={item.v} before={before} after={after} onPick={onPick} />
                </Timeline.Item>
              ) : (
                <Timeline.Item key={`push-${item.e.at}-${item.e.summary}`} color="red" lineVariant="dotted">
                  <FailedPush e={item.e} />
                </Timeline.Item>
              ),
            )}
          </Timeline>
        </ScrollArea.Autosize>
      </Stack>
    </Paper>
  );
}

function Comparison({ before, after, mode }: { before: string; after: string; mode: DiffMode }) {
  const comparison = useCompare(before, after);
  if (comparison.isPending)
    return (
      <Center h={160}>
        <Loader aria-label="Comparing the versions" />
      </Center>
    );
  if (comparison.error) return <ErrorAlert error={comparison.error} title="The versions could not be compared" />;
  return <DiffView comparison={comparison.data} mode={mode} />;
}

function Compare({ history }: { history: HistoryDto }) {
  const [before, setBefore] = useState(TRACKING);
  const [after, setAfter] = useState(WORKING);
  const [mode, setMode] = useState<DiffMode>("sideBySide");
  const data = options(history);
  const pick = (side: "before" | "after", rev: string) => (side === "before" ? setBefore(rev) : setAfter(rev));
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Versions history={history} before={before} after={after} onPick={pick} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="sm">
          <Paper withBorder p="sm">
            <Group align="flex-end" gap="sm" wrap="wrap">
              <NativeSelect
                label="Before"
                data={data}
                value={before}
                onChange={(e) => setBefore(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 220 }}
              />
              <NativeSelect
                label="After"
                data={data}
                value={after}
                onChange={(e) => setAfter(e.currentTarget.value)}
                style={{ flex: 1, minWidth: 220 }}
              />
              <Button
                variant="default"
                onClick={() => {
                  setBefore(after);
                  setAfter(before);
                }}
              >
                Swap
              </Button>
              <SegmentedControl
                aria-label="Layout of the comparison"
                value={mode}
                onChange={(v) => setMode(v as DiffMode)}
                data={[
                  { label: "Side by side", value: "sideBySide" },
                  { label: "Inline", value: "inline" },
                ]}
              />
            </Group>
          </Paper>
          <Comparison before={before} after={after} mode={mode} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}

export function HistoryView({ onDone }: { onDone: () => void }) {
  const history = useHistory();
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h3">
          History
        </Title>
        <Button variant="default" onClick={onDone}>
          Back to the plan
        </Button>
      </Group>
      <Tabs defaultValue="compare" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="compare">Versions and compare</Tabs.Tab>
          <Tabs.Tab value="effort">Effort over time</Tabs.Tab>
          <Tabs.Tab value="conflicts">Conflicts</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="compare" pt="md">
          {history.isPending && (
            <Center h={200}>
              <Loader aria-label="Loading the history" />
            </Center>
          )}
          {history.error && <ErrorAlert error={history.error} title="The history could not be read" />}
          {history.data && <Compare history={history.data} />}
        </Tabs.Panel>
        <Tabs.Panel value="effort" pt="md">
          <EffortChart />
        </Tabs.Panel>
        <Tabs.Panel value="conflicts" pt="md">
          <ConflictLog />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
