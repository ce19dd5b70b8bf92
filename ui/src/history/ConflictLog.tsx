// The History screen's conflicts: every conflict a pull found, as the team's shared op log tells
// it (the same in every clone) — the item and field, both values and who made each side, when it
// was found, and who resolved it, when and how long it stayed open; the open ones first.
import { Badge, Center, Loader, Paper, Table, Text } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import type { ConflictLogDto } from "../ipc";
import { useConflictLog } from "./hooks";
import { when } from "./words";

/** `Ann Planner` of `Ann Planner <ann@example.com>`. */
function person(who: string | null): string {
  return who ? who.replace(/\s*<[^>]*>$/, "") : "someone";
}

function Row({ c }: { c: ConflictLogDto }) {
  const open = c.resolvedAt === null;
  return (
    <Table.Tr data-testid="conflict-log-row" data-open={open ? "true" : "false"}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {c.name}
        </Text>
        <Text size="xs" c="dimmed">
          {c.id}
        </Text>
      </Table.Td>
      <Table.Td>{c.field}</Table.Td>
      <Table.Td>
        <Text size="sm">
          Plan: {c.mine} ({person(c.foundBy)})
        </Text>
        <Text size="sm">
          Targetprocess: {c.theirs} ({c.remoteBy ?? "someone"})
        </Text>
      </Table.Td>
      <Table.Td>{when(c.foundAt)}</Table.Td>
      <Table.Td>
        {open ? (
          <Badge color="red" variant="light">
            Open
          </Badge>
        ) : (
          `${person(c.resolvedBy)}, ${when(c.resolvedAt)}`
        )}
      </Table.Td>
      <Table.Td>{c.openFor ?? ""}</Table.Td>
    </Table.Tr>
  );
}

export function ConflictLog() {
  const log = useConflictLog();
  if (log.isPending)
    return (
      <Center h={160}>
        <Loader aria-label="Loading the conflicts" />
      </Center>
    );
  if (log.error) return <ErrorAlert error={log.error} title="The conflicts could not be read" />;
  const rows = [...log.data].sort((a, b) => Number(b.resolvedAt === null) - Number(a.resolvedAt === null));
  if (rows.length === 0)
    return (
      <Text size="sm" data-testid="conflict-log-empty">
        No conflicts: no pull has found the same field changed in the plan and in Targetprocess.
      </Text>
    );
  const open = rows.filter((c) => c.resolvedAt === null).length;
  return (
    <Paper withBorder p="md">
      <Text size="sm" mb="sm" data-testid="conflict-log-summary">
        {rows.length} {rows.length === 1 ? "conflict" : "conflicts"} found, {rows.length - open} resolved, {open} open.
      </Text>
      <Table striped verticalSpacing={4} aria-label="Conflicts found and resolved" data-testid="conflict-log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th>Field</Table.Th>
            <Table.Th>Values when found</Table.Th>
            <Table.Th>Found</Table.Th>
            <Table.Th>Resolved</Table.Th>
            <Table.Th>Open for</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Row key={`${c.id}-${c.field}-${c.foundAt}`} c={c} />
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
