// First run: try the demo, or connect to a Targetprocess account (URL + access token; the token
// goes to the OS keychain, in Rust).
import { Button, Card, Container, Group, Loader, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useConnectionSave, useConnectionTest, useConnectionUseNames, useDemoStart } from "../data";
import { JiraConnect } from "../jira/JiraConnect";
import { AccountNames } from "./AccountNames";

function DemoCard() {
  const demo = useDemoStart();
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Title order={2} size="h3">
          Try the demo
        </Title>
        <Text size="sm">
          Starts a demo Targetprocess on this computer with two release trains, ten teams and their PI plans. Nothing
          leaves your machine.
        </Text>
        <ErrorAlert error={demo.error} />
        <Group>
          <Button
            onClick={() => demo.mutate()}
            disabled={demo.isPending}
            leftSection={demo.isPending ? <Loader size={14} color="white" aria-hidden /> : null}
            data-testid="demo-start"
          >
            {demo.isPending ? "Starting the demo…" : "Try the demo"}
          </Button>
          {demo.isPending && (
            <Text size="sm" c="dimmed" role="status">
              Preparing the demo Targetprocess on this computer
            </Text>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

function ConnectCard() {
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const test = useConnectionTest();
  const save = useConnectionSave();
  const useNames = useConnectionUseNames();
  const checked = useNames.data ?? test.data;
  const req = { url, token };
  const forget = () => {
    test.reset();
    useNames.reset();
  };
  const ready = url.trim() !== "" && token.trim() !== "";
  return (
    <Card withBorder padding="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) save.mutate(req);
        }}
      >
        <Stack>
          <Title order={2} size="h3">
            Connect to Targetprocess
          </Title>
          <TextInput
            label="Targetprocess address"
            placeholder="https://yourcompany.tpondemand.com"
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
              forget();
            }}
            required
          />
          <PasswordInput
            label="Access token"
            description="Create one in Targetprocess under My Profile → Access Tokens. It is kept in your system keychain."
            value={token}
            onChange={(e) => {
              setToken(e.currentTarget.value);
              forget();
            }}
            required
          />
          {checked && (
            <Text size="sm" c="teal" role="status">
              Connection works: {checked.arts} release train{checked.arts === 1 ? "" : "s"} visible.
            </Text>
          )}
          {checked?.names && (
            <AccountNames
              names={checked.names}
              onUse={() => useNames.mutate(req)}
              using={useNames.isPending}
              error={useNames.error}
            />
          )}
          <ErrorAlert error={test.error ?? save.error} />
          <Group>
            <Button
              variant="default"
              disabled={!ready}
              loading={test.isPending}
              onClick={() => {
                useNames.reset();
                test.mutate(req);
              }}
            >
              Test connection
            </Button>
            <Button type="submit" disabled={!ready} loading={save.isPending}>
              Connect
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function WelcomeScreen() {
  return (
    <Container size="lg" py="xl">
      <Stack gap="lg">
        <div>
          <Title order={2}>Welcome to PI Planner</Title>
          <Text c="dimmed">Plan your team's PI objectives and features, kept in sync with Targetprocess.</Text>
        </div>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <DemoCard />
          <ConnectCard />
        </SimpleGrid>
        <JiraConnect optional />
      </Stack>
    </Container>
  );
}
