// Settings → Health: the checks `tpcli doctor` runs (the same code, in the app), on the open plan
// and this connection — Targetprocess and the token, its names, the clock, Jira, the team's
// shared repository, disk space, the lock, a teammate's push, an unfinished push, conflicts —
// one line each with what was found and what to do. Run when asked: some ask Targetprocess.
import { Badge, Button, Card, Group, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { HealthCheckDto } from "../ipc";

const LEVELS: Record<string, { color: string; word: string }> = {
  ok: { color: "green", word: "OK" },
  warn: { color: "yellow", word: "Look at it" },
  fail: { color: "red", word: "Needs fixing" },
  skipped: { color: "gray", word: "Not checked" },
};

function CheckLine({ check }: { check: HealthCheckDto }) {
  const level = LEVELS[check.level] ?? LEVELS.skipped!;
  return (
    <Stack gap={2} data-testid="health-check" data-check={check.name} data-level={check.level}>
      <Group gap="xs" wrap="nowrap">
        <Badge color={level.color} variant="light" style={{ flexShrink: 0 }}>
          {level.word}
        </Badge>
        <Text size="sm" fw={600}>
          {check.label}
        </Text>
      </Group>
      <Text size="sm" style={{ overflowWrap: "anywhere" }}>
        {check.detail}
      </Text>
      {check.fix && (
        <Text size="sm" c="dimmed" data-testid="health-fix">
          What to do: {check.fix}
        </Text>
      )}
    </Stack>
  );
}

export function HealthChecks() {
  const client = useClient();
  const run = useMutation({ mutationFn: () => client.healthChecks() });
  const failing = run.data?.checks.filter((c) => c.level === "fail").length ?? 0;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>Health</Text>
          <Button size="xs" variant="default" loading={run.isPending} onClick={() => run.mutate()}>
            {run.data ? "Check again" : "Run checks"}
          </Button>
        </Group>
        <Text size="sm">
          Is this plan fit to sync? The same checks as <Text span ff="monospace">tpcli doctor</Text>; nothing is changed.
        </Text>
        {run.data && (
          <Text size="sm" fw={600} data-testid="health-summary">
            {failing === 0 ? "Everything needed to sync works." : `${failing} ${failing === 1 ? "check needs" : "checks need"} fixing.`}
          </Text>
        )}
        {run.data?.checks.map((c) => <CheckLine key={c.name} check={c} />)}
        <ErrorAlert error={run.error} />
      </Stack>
    </Card>
  );
}
