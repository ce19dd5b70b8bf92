// The changes a push sends (or sent) to Targetprocess, one item per change: the change, then
// the fields a new item is created with.
import { List, Text } from "@mantine/core";

import type { OpDto } from "../ipc";

/** Each change to Targetprocess as one item: its first line, then the fields it sets. */
export function OpList({ ops, testId = "push-ops" }: { ops: OpDto[]; testId?: string }) {
  return (
    <List size="sm" spacing={6} data-testid={testId}>
      {ops.map((op, i) => (
        <List.Item key={i} c={op.delete ? "red" : undefined} data-testid="push-op">
          <Text size="sm" span>
            {op.lines[0]}
          </Text>
          {op.lines.length > 1 && (
            <List size="sm" withPadding listStyleType="none" c="dimmed">
              {op.lines.slice(1).map((line, j) => (
                <List.Item key={j}>{line}</List.Item>
              ))}
            </List>
          )}
        </List.Item>
      ))}
    </List>
  );
}
