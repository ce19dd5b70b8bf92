// The way to the "Out of sync" view from the plan: one small button above the plan, so the
// header keeps its one line.
import { Button, Group } from "@mantine/core";

export function JiraEntry({ onOpen }: { onOpen: () => void }) {
  return (
    <Group justify="flex-end" mb={8}>
      <Button size="xs" variant="default" onClick={onOpen}>
        Out of sync with Jira
      </Button>
    </Group>
  );
}
