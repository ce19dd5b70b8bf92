// Shows a failed call: the app's message, its hints (the next step) and its error code (to
// quote when asking for help), never raw details.
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
      <Text size="xs" c="dimmed" mt="xs" data-testid="error-code">
        Error code: {e.code}
      </Text>
    </Alert>
  );
}
