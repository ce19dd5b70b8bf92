// "Out of sync": where the plan and Jira disagree (the checks of `tpcli plan lint`), each
// finding with what is wrong, where, and its fix. A fix that is a plan edit ("Apply fix", or
// "Fix all" for one kind) is saved as an edit of the plan: undo puts it back and the next push
// sends it to Targetprocess after its preview and sign-off. Other fixes are done in Jira.
import { Alert, Badge, Button, Card, Group, Loader, Stack, Text, Title } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import type { LintFindingDto } from "../ipc";
import { count } from "../plural";
import { useJiraLint, useJiraLintFix } from "./hooks";

function Finding({ finding, onFix, fixing }: { finding: LintFindingDto; onFix: () => void; fixing: boolean }) {
  return (
    <Card withBorder padding="sm" role="listitem" aria-label={`${finding.title}: ${finding.featureName}`} data-testid="lint-finding">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs">
            <Badge variant="light" color={finding.fixable ? "orange" : "gray"} title={finding.code}>
              {finding.title}
            </Badge>
            <Text size="sm" fw={600}>
              {finding.featureName}
            </Text>
            {finding.epic && (
              <Text size="xs" c="dimmed">
                epic {finding.epic}
              </Text>
            )}
          </Group>
          {finding.fixable && (
            <Button size="xs" onClick={onFix} loading={fixing} style={{ flexShrink: 0 }}>
              Apply fix
            </Button>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          Objective: {finding.objective}
        </Text>
        <Text size="sm">{finding.message}</Text>
        {finding.stories.length > 0 && (
          <Text size="xs" c="dimmed">
            Stories: {finding.stories.join(", ")}
          </Text>
        )}
        <Text size="sm" data-testid="lint-fix">
          <Text span fw={500}>
            Fix:
          </Text>{" "}
          {finding.fix}
        </Text>
      </Stack>
    </Card>
  );
}

export function OutOfSyncView({ onDone }: { onDone: () => void }) {
  const lint = useJiraLint();
  const fix = useJiraLintFix();
  const findings = lint.data?.findings ?? [];
  const fixableCodes = [...new Set(findings.filter((f) => f.fixable).map((f) => f.code))];
  const fixing = (code: string, feature: string | null) =>
    fix.isPending && fix.variables?.code === code && fix.variables.feature === feature;
  return (
    <Stack maw={900}>
      <Group justify="space-between">
        <Title order={2} size="h3">
          Out of sync with Jira
        </Title>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => void lint.refetch()} loading={lint.isFetching}>
            Check again
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            Back to the plan
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Where the plan and its Jira epics and stories disagree, as of the last pull. A fix marked “Apply fix” changes the
        plan: it is saved as your edit and goes to Targetprocess with your next push.
      </Text>
      {lint.isPending && <Loader aria-label="Checking the plan against Jira" />}
      <ErrorAlert error={lint.error ?? fix.error} />
      {lint.data?.epicsNote && (
        <Alert color="yellow" variant="light" data-testid="epics-note">
          {lint.data.epicsNote}
        </Alert>
      )}
      {lint.data?.fixed != null && (
        <Alert color="teal" variant="light" role="status" data-testid="lint-fixed">
          {lint.data.fixed === 0
            ? "Nothing was changed."
            : `Fixed ${count(lint.data.fixed, "finding", "findings")} in the plan: saved as your edit, sent to Targetprocess with your next push.`}
        </Alert>
      )}
      {lint.data && findings.length === 0 && (
        <Text role="status" data-testid="lint-none">
          No findings: the plan and Jira agree.
        </Text>
      )}
      {findings.length > 0 && (
        <Group gap="xs">
          <Text size="sm" data-testid="lint-count">
            {count(findings.length, "finding", "findings")}
          </Text>
          {fixableCodes.map((code) => {
            const some = findings.filter((f) => f.code === code);
            return (
              <Button
                key={code}
                size="xs"
                variant="light"
                loading={fixing(code, null)}
                onClick={() => fix.mutate({ code, feature: null })}
              >
                Fix all “{some[0]?.title}” ({some.length})
              </Button>
            );
          })}
        </Group>
      )}
      <Stack gap="xs" role="list" aria-label="Findings">
        {findings.map((f) => (
          <Finding
            key={`${f.code} ${f.feature}`}
            finding={f}
            fixing={fixing(f.code, f.feature)}
            onFix={() => fix.mutate({ code: f.code, feature: f.feature })}
          />
        ))}
      </Stack>
    </Stack>
  );
}
