// The train view, the Release Train Engineer's home: a row per team of the ART for the PI (the
// train report's columns), "Sync all" with a line per team as it goes and a summary, "Resolve
// conflicts…" (preview, then apply), and a team's row or conflicts count opening its plan.
import { Alert, Badge, Button, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { LastOpDto, PickItem, TeamRowDto, TrainProgressDto, TrainSyncDto } from "../ipc";
import { ResolveDialog } from "./ResolveDialog";
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

function SyncLines({ lines, result }: { lines: Map<string, string>; result: TrainSyncDto | null }) {
  if (lines.size === 0 && !result) return null;
  return (
    <Alert color={result && result.teams.some((t) => !t.ok) ? "yellow" : "blue"} title={result ? result.summary : "Syncing every team…"} data-testid="train-sync">
      <Stack gap={2}>
        {[...lines].map(([team, line]) => (
          <Text key={team} size="sm" data-testid="train-sync-line">
            <b>{team}</b>: {line}
          </Text>
        ))}
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
  /** A team's plan was opened; `conflicts`: show its conflicts. */
  onOpened: (conflicts: boolean) => void;
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
  const openTeam = async (team: PickItem, conflicts: boolean) => {
    await open.mutateAsync({ art, release, team });
    onOpened(conflicts);
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
          <Button variant="default" disabled={conflicts === 0 || syncing} onClick={() => setResolving(true)}>
            Resolve conflicts…
          </Button>
          <Button onClick={() => void syncAll()} loading={syncing}>
            Sync all
          </Button>
        </Group>
      </Group>
      <SyncLines lines={lines} result={result} />
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
                onOpen={() => void openTeam(row.team, false)}
                onConflicts={() => void openTeam(row.team, true)}
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
