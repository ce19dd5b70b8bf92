// Shows a failed call: the app's message and its hints (the next step); the error code, for
// whoever helps, only under "Details for support". Never raw details.
import { Alert, List, Text } from "@mantine/core";

import { ClientError } from "./ipc";

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e =
    error instanceof ClientError
      ? error
      : new ClientError({ code: "invalid_input", message: "Something went wrong.", hints: [] });
  return (
    <Alert color="red" variant="light" title={title ?? e.message} role="alert" data-code={e.code}>
      {title ? e.message : null}
      {e.hints.length > 0 && (
        <List size="sm" mt={title ? "xs" : 0}>
          {e.hints.map((h) => (
            <List.Item key={h}>{h}</List.Item>
          ))}
        </List>
      )}
      <details style={{ marginTop: 8 }}>
        <summary style={{ fontSize: "var(--mantine-font-size-xs)", cursor: "pointer" }}>Details for support</summary>
        <Text size="xs" c="dimmed" data-testid="error-code">
          {e.code}
        </Text>
      </details>
    </Alert>
  );
}
