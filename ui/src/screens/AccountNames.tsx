// What a Targetprocess account calls things, as found when its connection was tested, and how
// that compares with the plans folder's settings; "Use these names" writes them there.
import { Alert, Button, Code, List, Stack, Text } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import type { AccountNamesDto } from "../ipc";

export function AccountNames({
  names,
  onUse,
  using,
  error,
}: {
  names: AccountNamesDto;
  onUse: () => void;
  using: boolean;
  error: unknown;
}) {
  return (
    <Stack gap="xs" data-testid="account-names">
      <Text size="sm" fw={500}>
        What this account calls things
      </Text>
      <List size="sm" spacing={2}>
        {names.found.map((f) => (
          <List.Item key={f}>{f}</List.Item>
        ))}
      </List>
      {names.notFound.length > 0 && (
        <>
          <Text size="sm" fw={500}>
            Not found (the usual names are used)
          </Text>
          <List size="sm" spacing={2} c="dimmed">
            {names.notFound.map((f) => (
              <List.Item key={f}>{f}</List.Item>
            ))}
          </List>
        </>
      )}
      {names.problem ? (
        <Alert color="orange" title="The plans folder's settings cannot take these names">
          {names.problem} It is <Code>{names.settingsFile}</Code>.
        </Alert>
      ) : names.differences.length > 0 ? (
        <Alert color="blue" title="Your settings name things differently" data-testid="names-differ">
          <Stack gap="xs">
            <List size="sm" spacing={2}>
              {names.differences.map((d) => (
                <List.Item key={d}>{d}</List.Item>
              ))}
            </List>
            <Text size="sm">
              Plans of this account read their settings from <Code>{names.settingsFile}</Code>. Using the account's
              names there keeps your other settings and notes.
            </Text>
            <ErrorAlert error={error} />
            <Button size="xs" style={{ alignSelf: "flex-start" }} loading={using} onClick={onUse}>
              Use these names
            </Button>
          </Stack>
        </Alert>
      ) : (
        <Text size="sm" c="teal" role="status">
          Your settings already use these names.
        </Text>
      )}
    </Stack>
  );
}
