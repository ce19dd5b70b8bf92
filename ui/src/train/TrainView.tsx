// The train view, the Release Train Engineer's home: a row per team of the ART for the PI (the
// train report's columns), "Sync all" with a line per team as it goes and a summary that lists
// what stops each team's push with a link to it, "Resolve conflicts…" (preview, then apply), the
// train's report (shown and exported), and a team's row or conflicts count opening its plan.
import { Alert, Badge, Button, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { LastOpDto, PickItem, TeamRowDto, TeamSyncDto, TrainProgressDto, TrainSyncDto } from "../ipc";
import { setPushGateOf } from "../sync/pushGate";
import { Blockers, type Opening } from "./Blockers";
import { ResolveDialog } from "./ResolveDialog";
import { TrainReport } from "./TrainReport";
import { trainKey, useTrainStatus, useTrainTeamOpen } from "./data";

function when(op: LastOpDto | null): string {
  if (!op) return "—";
  const at = new Date(op.at);
  const shown = Number.isNaN(at.getTime()) ? op.at : at.toLocaleString();
  return `${op.who}, ${shown}`;
}

/** The line of a team while "Sync all" runs. */
function stageWords(p: TrainProgressDto): [string, string] | null {
  switch (p.stage) {
    case "lookingUp":
      return null;
    case "settingUp":
      return [p.team, "Opening the plan…"];
    case "syncing":
      return [p.team, "Syncing…"];
    case "done":
      return [p.team, p.message];
  }
}

function SyncLines({
  lines,
  result,
  onOpen,
  busy,
}: {
  lines: Map<string, string>;
  result: TrainSyncDto | null;
  onOpen: (team: TeamSyncDto, opening: Opening) => void;
  busy: boolean;
}) {
  if (lines.size === 0 && !result) return null;
  return (
    <Alert color={result && result.teams.some((t) => !t.ok) ? "yellow" : "blue"} title={result ? result.summary : "Syncing every team…"} data-testid="train-sync">
      <Stack gap={2}>
        {[...lines].map(([team, line]) => (
          <Text key={team} size="sm" data-testid="train-sync-line">
            <b>{team}</b>: {line}
          </Text>
        ))}
        {result && <Blockers teams={result.teams} onOpen={onOpen} busy={busy} />}
      </Stack>
    </Alert>
  );
}

function TeamRow({ row, onOpen, onConflicts }: { row: TeamRowDto; onOpen: () => void; onConflicts: () => void }) {
  if (!row.started) {
    return (
      <Table.Tr data-testid="train-row">
        <Table.Td>{row.team.name}</Table.Td>
        <Table.Td colSpan={7}>
          <Text size="sm" c="dimmed">
            Not started — “Sync all” starts this team’s plan.
          </Text>
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <Table.Tr data-testid="train-row">
      <Table.Td>
        <Button variant="subtle" size="compact-sm" onClick={onOpen} aria-label={`Open ${row.team.name}'s plan`}>
          {row.team.name}
        </Button>
        {row.needsAttention && (
          <Badge color="yellow" variant="light" ml={4}>
            Needs attention
          </Badge>
        )}
        {row.problem && (
          <Text size="xs" c="red">
            {row.problem}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{row.pendingChanges}</Table.Td>
      <Table.Td>
        {row.conflicts > 0 ? (
          <Button color="red" variant="light" size="compact-sm" onClick={onConflicts} aria-label={`${row.conflicts} conflicts in ${row.team.name}`}>
            {row.conflicts}
          </Button>
        ) : (
          0
        )}
      </Table.Td>
      <Table.Td>{row.validationErrors}</Table.Td>
      <Table.Td>{row.committedEffort}</Table.Td>
      <Table.Td>{row.approvals}</Table.Td>
      <Table.Td>{when(row.lastPull)}</Table.Td>
      <Table.Td>{when(row.lastPush)}</Table.Td>
    </Table.Tr>
  );
}

export function TrainView({
  art,
  release,
  onOpened,
}: {
  art: PickItem;
  release: PickItem;
  /** A team's plan was opened; show it there (the plan, its conflicts or its sign-off). */
  onOpened: (opening: Opening) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const status = useTrainStatus({ art, release });
  const open = useTrainTeamOpen();
  const [lines, setLines] = useState(new Map<string, string>());
  const [result, setResult] = useState<TrainSyncDto | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [syncError, setSyncError] = useState<unknown>(null);
  const [resolving, setResolving] = useState(false);
  const [reporting, setReporting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trainKey(art, release) });

  const syncAll = async () => {
    setSyncing(true);
    setSyncError(null);
    setResult(null);
    setLines(new Map());
    try {
      const done = await client.trainSync({ art, release }, (p) => {
        const line = stageWords(p);
        if (line) setLines((m) => new Map(m).set(line[0], line[1]));
      });
      setResult(done);
    } catch (e) {
      setSyncError(e);
    } finally {
      setSyncing(false);
      await refresh();
    }
  };
  const openTeam = async (team: PickItem, opening: Opening) => {
    await open.mutateAsync({ art, release, team });
    onOpened(opening);
  };
  /** Opens the team's plan on what stops its push; its validation errors are marked at their fields. */
  const openBlocked = async (synced: TeamSyncDto, opening: Opening) => {
    const team = status.data?.teams.find((r) => r.team.name === synced.team)?.team;
    if (!team) return;
    const view = await open.mutateAsync({ art, release, team });
    if (synced.blocker?.kind === "validationErrors") setPushGateOf(queryClient, view.planFile, synced.blocker.findings);
    onOpened(opening);
  };
  const rows = status.data?.teams ?? [];
  const conflicts = rows.reduce((n, r) => n + r.conflicts, 0);
  return (
    <Stack data-testid="train-view">
      <Group justify="space-between">
        <div>
          <Title order={2} size="h3">
            {art.name} · {release.name}
          </Title>
          <Text size="sm" c="dimmed">
            Every team of the train. A team’s name opens its plan.
          </Text>
        </div>
        <Group>
          <Button variant="default" onClick={() => setReporting((r) => !r)} aria-pressed={reporting}>
            Report
          </Button>
          <Button variant="default" disabled={conflicts === 0 || syncing} onClick={() => setResolving(true)}>
            Resolve conflicts…
          </Button>
          <Button onClick={() => void syncAll()} loading={syncing}>
            Sync all
          </Button>
        </Group>
      </Group>
      <SyncLines lines={lines} result={result} onOpen={(t, o) => void openBlocked(t, o)} busy={syncing || open.isPending} />
      {reporting && !syncing && <TrainReport req={{ art, release }} onClose={() => setReporting(false)} />}
      <ErrorAlert error={status.error ?? open.error ?? syncError} />
      {status.isPending ? (
        <Loader aria-label="Loading the train" />
      ) : (
        <Table striped highlightOnHover data-testid="train-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Team</Table.Th>
              <Table.Th>Changes to push</Table.Th>
              <Table.Th>Conflicts</Table.Th>
              <Table.Th>Validation errors</Table.Th>
              <Table.Th>Committed effort</Table.Th>
              <Table.Th>Approvals</Table.Th>
              <Table.Th>Last pull</Table.Th>
              <Table.Th>Last push</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <TeamRow
                key={row.team.id}
                row={row}
                onOpen={() => void openTeam(row.team, "plan")}
                onConflicts={() => void openTeam(row.team, "conflicts")}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {resolving && (
        <ResolveDialog
          art={art}
          release={release}
          teams={rows.filter((r) => r.conflicts > 0).map((r) => r.team.name)}
          onClose={() => {
            setResolving(false);
            void refresh();
          }}
        />
      )}
    </Stack>
  );
}
