// The audit trail: approvals, overrides, pushes and rollbacks, newest first, with who, when and
// what; a row opens to show what was sent (every field written, before → after) and the change
// set an approval is bound to. Filter by kind; export as CSV or JSON to the Downloads folder.
import { ActionIcon, Alert, Badge, Button, Center, Group, List, Loader, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { Fragment, useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import type { AuditEventDto } from "../ipc";
import { when } from "./SignoffPanel";
import { useAuditExport, useAuditTrail } from "./hooks";

const KINDS = [
  { value: "all", label: "All" },
  { value: "approval", label: "Approvals" },
  { value: "override", label: "Overrides" },
  { value: "push", label: "Pushes" },
  { value: "rollback", label: "Rollbacks" },
];

const COLORS: Record<string, string> = { approval: "green", override: "orange", push: "blue", rollback: "grape" };
const LABELS: Record<string, string> = { approval: "Approval", override: "Override", push: "Push", rollback: "Rollback" };

/** A push that failed with an error or of which Targetprocess refused a change. */
export function failed(e: AuditEventDto): boolean {
  return e.kind === "push" && (e.summary.startsWith("Push failed") || e.summary.includes("refused"));
}

function Row({ e, index }: { e: AuditEventDto; index: number }) {
  const [open, setOpen] = useState(false);
  const details = e.sent.length > 0;
  return (
    <Fragment>
      <Table.Tr data-testid="audit-row" data-kind={e.kind}>
        <Table.Td>
          {details && (
            <ActionIcon
              variant="subtle"
              size="sm"
              aria-expanded={open}
              aria-label={open ? `Hide the details of event ${index + 1}` : `Show the details of event ${index + 1}`}
              onClick={() => setOpen(!open)}
            >
              {open ? "▾" : "▸"}
            </ActionIcon>
          )}
        </Table.Td>
        <Table.Td style={{ whiteSpace: "nowrap" }}>{when(e.at)}</Table.Td>
        <Table.Td>
          <Badge color={failed(e) ? "red" : (COLORS[e.kind] ?? "gray")} variant="light">
            {failed(e) ? "Push failed" : (LABELS[e.kind] ?? e.kind)}
          </Badge>
        </Table.Td>
        <Table.Td>{e.who}</Table.Td>
        <Table.Td>{e.summary}</Table.Td>
        <Table.Td>{e.note ?? ""}</Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr data-testid="audit-details">
          <Table.Td />
          <Table.Td colSpan={5}>
            <Stack gap={4}>
              {e.sent.length > 0 && (
                <>
                  <Text size="sm">Sent to Targetprocess:</Text>
                  <List size="sm">
                    {e.sent.map((s, i) => (
                      <List.Item key={i}>{s}</List.Item>
                    ))}
                  </List>
                </>
              )}
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

export function AuditView({ onDone }: { onDone: () => void }) {
  const trail = useAuditTrail();
  const exporter = useAuditExport();
  const [kind, setKind] = useState("all");
  const events = [...(trail.data ?? [])].reverse().filter((e) => kind === "all" || e.kind === kind);
  return (
    <Stack gap="md" data-testid="audit-view">
      <Group justify="space-between">
        <Group gap="sm">
          <Button size="xs" variant="default" onClick={onDone}>
            Back to the plan
          </Button>
          <Title order={2} size="h4">
            Audit trail
          </Title>
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="light" loading={exporter.isPending && exporter.variables === "csv"} onClick={() => exporter.mutate("csv")}>
            Export CSV
          </Button>
          <Button size="xs" variant="light" loading={exporter.isPending && exporter.variables === "json"} onClick={() => exporter.mutate("json")}>
            Export JSON
          </Button>
        </Group>
      </Group>
      {exporter.data && (
        <Alert color="green" variant="light" title="Audit trail exported" data-testid="export-result" withCloseButton onClose={() => exporter.reset()}>
          {exporter.data.events === 1 ? "1 event" : `${exporter.data.events} events`} saved to {exporter.data.path}
        </Alert>
      )}
      <ErrorAlert error={exporter.error} title="Export failed" />
      <SegmentedControl size="xs" aria-label="Show" value={kind} onChange={setKind} data={KINDS} style={{ alignSelf: "flex-start" }} />
      {trail.isPending && (
        <Center h={120}>
          <Loader aria-label="Loading the audit trail" />
        </Center>
      )}
      <ErrorAlert error={trail.error} title="The audit trail could not be read" />
      {trail.data && events.length === 0 && (
        <Text size="sm" c="dimmed">
          {kind === "all" ? "Nothing yet: approvals, overrides, pushes and rollbacks show up here." : "No events of this kind."}
        </Text>
      )}
      {events.length > 0 && (
        <Table striped highlightOnHover verticalSpacing="xs" aria-label="Audit trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th>When</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Comment or reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e, i) => (
              <Row key={`${e.at}-${e.kind}-${i}`} e={e} index={i} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
