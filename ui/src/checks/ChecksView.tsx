// The open plan's checks, as the command line makes them: "Check against Targetprocess" (verify,
// with "Repair what is safe"), "Undo a push" (rollback of the latest push or one picked from the
// plan's pushes: its preview first, then the undo, deletions only when ticked) and what changed
// since the baseline (the change report).
import { Alert, Button, Checkbox, Group, List, Loader, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { when } from "../approvals/SignoffPanel";
import type { PushEntryDto, PushRefDto, RollbackDto, VerifyDto } from "../ipc";
import { changes } from "../plural";
import { OpList } from "../sync/OpList";
import { ReportSections } from "./ReportDoc";
import { useChangeReport, useRollback, useRollbackPreview, useRollbackPushes, useVerify } from "./data";

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
            <ReportSections sections={report.data.sections} />
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

/** A push of the list in words: when, who, what it sent. */
function pushChoice(p: PushEntryDto): string {
  const latest = p.latest ? " (latest)" : "";
  return `${when(p.push.at)} by ${p.push.who}${latest}: ${p.summary}`;
}

function Rollback() {
  const pushes = useRollbackPushes();
  const preview = useRollbackPreview();
  const rollback = useRollback();
  const [picked, setPicked] = useState<string | null>(null);
  const [deletesOk, setDeletesOk] = useState(false);
  const list = pushes.data ?? [];
  const chosen = picked ?? list[0]?.push.id ?? null;
  const shown = preview.data?.kind === "preview" ? preview.data : null;
  const undo = async () => {
    if (!shown) return;
    await rollback.mutateAsync({ opId: shown.push.id, confirmDeletes: deletesOk }).catch(() => null);
    preview.reset();
    setDeletesOk(false);
    setPicked(null);
  };
  return (
    <Paper withBorder p="md" component="section" aria-label="Undo a push">
      <Stack gap="xs">
        <Title order={3} size="h5">
          Undo a push
        </Title>
        <Text size="sm" c="dimmed">
          Writes back to Targetprocess the values the push you pick replaced (your plan’s latest push unless you pick
          another). A field someone changed in Targetprocess since is left as it is. The undo is recorded as one more
          push; nothing in the history is removed.
        </Text>
        {list.length > 0 && (
          <NativeSelect
            label="Push to undo"
            size="xs"
            value={chosen ?? ""}
            onChange={(e) => {
              setPicked(e.currentTarget.value);
              preview.reset();
              rollback.reset();
              setDeletesOk(false);
            }}
            data={list.map((p) => ({ value: p.push.id, label: pushChoice(p) }))}
            disabled={preview.isPending || rollback.isPending}
            data-testid="rollback-pick"
          />
        )}
        <ErrorAlert error={pushes.error} />
        <Group gap="sm">
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              rollback.reset();
              preview.mutate(chosen);
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
