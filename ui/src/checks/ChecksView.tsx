// The open plan's checks, as the command line makes them: "Check against Targetprocess" (verify,
// with "Repair what is safe"), "Undo the last push" (rollback: its preview first, then the undo,
// deletions only when ticked) and what changed since the baseline (the change report).
import { Alert, Button, Checkbox, Group, List, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { when } from "../approvals/SignoffPanel";
import type { PushRefDto, ReportBlockDto, ReportSpanDto, RollbackDto, VerifyDto } from "../ipc";
import { changes } from "../plural";
import { OpList } from "../sync/OpList";
import { useChangeReport, useRollback, useRollbackPreview, useVerify } from "./data";

function Spans({ spans }: { spans: ReportSpanDto[] }) {
  return (
    <>
      {spans.map((s, i) =>
        s.kind === "strong" ? (
          <b key={i}>{s.text}</b>
        ) : s.kind === "ins" ? (
          <ins key={i}>{s.text}</ins>
        ) : s.kind === "del" ? (
          <del key={i}>{s.text}</del>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

function Block({ block }: { block: ReportBlockDto }) {
  switch (block.kind) {
    case "line":
      return (
        <Text size="sm">
          <Spans spans={block.spans} />
        </Text>
      );
    case "item":
      return (
        <Text size="sm" pl={12 + block.level * 16} data-testid="report-item">
          • <Spans spans={block.spans} />
        </Text>
      );
    case "table":
      return (
        <Table withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              {block.header.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {block.rows.map((row, i) => (
              <Table.Tr key={i}>
                {row.map((cell, j) => (
                  <Table.Td key={j}>{cell}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      );
  }
}

function ChangeReport() {
  const report = useChangeReport();
  return (
    <Paper withBorder p="md" component="section" aria-label="Change report" data-testid="change-report">
      <Stack gap="xs">
        <Title order={3} size="h5">
          What changed
        </Title>
        {report.isPending && <Loader size="sm" aria-label="Loading the change report" />}
        <ErrorAlert error={report.error} />
        {report.data && (
          <>
            <Text size="sm" c="dimmed">
              Since {report.data.since}, up to the plan as it is now.
            </Text>
            {report.data.sections.map((s) => (
              <Stack key={s.heading} gap={2}>
                <Text fw={600} size="sm">
                  {s.heading}
                </Text>
                {s.blocks.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    None.
                  </Text>
                ) : (
                  s.blocks.map((b, i) => <Block key={i} block={b} />)
                )}
              </Stack>
            ))}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function VerifyResult({ result }: { result: VerifyDto }) {
  return (
    <Alert
      color={result.consistent ? "green" : "orange"}
      variant="light"
      data-testid="verify-result"
      title={
        result.consistent
          ? "Everything agrees: your plan file, your last pull and Targetprocess"
          : `${result.differences.length === 1 ? "1 difference" : `${result.differences.length} differences`} found`
      }
    >
      <Stack gap={4}>
        {result.repaired.length > 0 && (
          <List size="sm">
            {result.repaired.map((r) => (
              <List.Item key={r}>Repaired: {r}</List.Item>
            ))}
          </List>
        )}
        {result.differences.length > 0 && (
          <List size="sm">
            {result.differences.map((d) => (
              <List.Item key={d}>{d}</List.Item>
            ))}
          </List>
        )}
        {result.advice.map((a) => (
          <Text key={a} size="sm">
            Next: {a}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

function Verify() {
  const verify = useVerify();
  return (
    <Paper withBorder p="md" component="section" aria-label="Check against Targetprocess">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Check against Targetprocess
        </Title>
        <Text size="sm" c="dimmed">
          Compares your plan file, your last pull and what Targetprocess holds now, item by item. It changes nothing;
          “Repair what is safe” also finishes an interrupted push and pulls when none of your edits is involved.
        </Text>
        <Group gap="sm">
          <Button size="xs" onClick={() => verify.mutate(false)} loading={verify.isPending && verify.variables === false} disabled={verify.isPending}>
            Check now
          </Button>
          <Button size="xs" variant="default" onClick={() => verify.mutate(true)} loading={verify.isPending && verify.variables === true} disabled={verify.isPending}>
            Repair what is safe
          </Button>
        </Group>
        {verify.data && !verify.isPending && <VerifyResult result={verify.data} />}
        <ErrorAlert error={verify.error} />
      </Stack>
    </Paper>
  );
}

function pushWords(p: PushRefDto): string {
  if (!p.who && !p.at) return "the latest push";
  return `the push of ${when(p.at)} by ${p.who}`;
}

function Left({ left }: { left: string[] }) {
  if (left.length === 0) return null;
  return (
    <Stack gap={2}>
      <Text size="sm">Left as they are:</Text>
      <List size="sm" data-testid="rollback-left">
        {left.map((l) => (
          <List.Item key={l}>{l}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

function RollbackResult({ result }: { result: RollbackDto }) {
  switch (result.kind) {
    case "blocked":
      return (
        <Alert color="orange" variant="light" title="Settle the conflicts first" data-testid="rollback-result">
          {result.conflicts === 1 ? "1 conflict is open." : `${result.conflicts} conflicts are open.`} A push can be undone
          once they are settled.
        </Alert>
      );
    case "nothingToUndo":
      return (
        <Alert color="gray" variant="light" title={`Nothing of ${pushWords(result.push)} can be undone`} data-testid="rollback-result">
          <Left left={result.left} />
        </Alert>
      );
    case "undone":
      return (
        <Alert
          color={result.refused.length > 0 ? "orange" : "green"}
          variant="light"
          title={`Undid ${pushWords(result.push)}: ${changes(result.sent.length)} written back`}
          data-testid="rollback-result"
        >
          <Stack gap={4}>
            <OpList ops={result.sent} />
            {result.refused.length > 0 && (
              <List size="sm">
                {result.refused.map((r) => (
                  <List.Item key={r}>Targetprocess refused: {r}</List.Item>
                ))}
              </List>
            )}
            <Left left={result.left} />
          </Stack>
        </Alert>
      );
    case "preview":
      return null;
  }
}

function Rollback() {
  const preview = useRollbackPreview();
  const rollback = useRollback();
  const [deletesOk, setDeletesOk] = useState(false);
  const shown = preview.data?.kind === "preview" ? preview.data : null;
  const undo = async () => {
    await rollback.mutateAsync(deletesOk).catch(() => null);
    preview.reset();
    setDeletesOk(false);
  };
  return (
    <Paper withBorder p="md" component="section" aria-label="Undo the last push">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Undo the last push
        </Title>
        <Text size="sm" c="dimmed">
          Writes back to Targetprocess the values your plan’s latest push replaced. A field someone changed in
          Targetprocess since is left as it is. The undo is recorded as one more push; nothing in the history is removed.
        </Text>
        <Group gap="sm">
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              rollback.reset();
              preview.mutate();
            }}
            loading={preview.isPending}
            disabled={rollback.isPending}
          >
            Show what undoing would change…
          </Button>
        </Group>
        <ErrorAlert error={preview.error} />
        {preview.data && preview.data.kind !== "preview" && <RollbackResult result={preview.data} />}
        {shown && (
          <Alert color="blue" variant="light" title={`Undoing ${pushWords(shown.push)} writes ${changes(shown.ops.length)} to Targetprocess`} data-testid="rollback-preview">
            <Stack gap="xs">
              <OpList ops={shown.ops} />
              <Left left={shown.left} />
              {shown.deletes && (
                <Checkbox
                  color="red"
                  label="Yes, delete the items that push created in Targetprocess"
                  checked={deletesOk}
                  onChange={(e) => setDeletesOk(e.currentTarget.checked)}
                />
              )}
              <Group gap="sm">
                <Button color="grape" size="xs" onClick={() => void undo()} loading={rollback.isPending} disabled={shown.deletes && !deletesOk}>
                  Undo the push
                </Button>
                <Button size="xs" variant="default" onClick={() => preview.reset()} disabled={rollback.isPending}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {rollback.data && <RollbackResult result={rollback.data} />}
        <ErrorAlert error={rollback.error} />
      </Stack>
    </Paper>
  );
}

export function ChecksView({ onDone }: { onDone: () => void }) {
  return (
    <Stack data-testid="checks-view">
      <Group gap="sm">
        <Button size="xs" variant="default" onClick={onDone}>
          Back to the plan
        </Button>
        <Title order={2} size="h4">
          Report and checks
        </Title>
      </Group>
      <Verify />
      <Rollback />
      <ChangeReport />
    </Stack>
  );
}
