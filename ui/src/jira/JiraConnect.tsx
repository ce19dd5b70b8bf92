// The Connect screen's Jira part (also in Settings): the Jira address, the e-mail (Jira Cloud)
// and the API token or personal access token, "Test connection", and "Connect Jira", which keeps
// the credentials in the system keychain (in Rust; never in a file). Once connected: the site,
// and "Forget Jira".
import { Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useJiraForget, useJiraSave, useJiraStatus, useJiraTest } from "./hooks";

function Connected({ url }: { url: string }) {
  const forget = useJiraForget();
  return (
    <Stack gap="xs">
      <Text size="sm" role="status" data-testid="jira-connected">
        Connected to Jira at {url}. Stories are read from it at every pull.
      </Text>
      <Group>
        <Button size="xs" color="red" variant="light" loading={forget.isPending} onClick={() => forget.mutate()}>
          Forget Jira (remove the token)
        </Button>
      </Group>
      <ErrorAlert error={forget.error} />
    </Stack>
  );
}

function Form() {
  const [url, setUrl] = useState("");
  const [email, setEmail] = useState("");
  const [token, setToken] = useState("");
  const test = useJiraTest();
  const save = useJiraSave();
  const req = { url, email, token };
  const ready = url.trim() !== "" && token.trim() !== "";
  const changed = () => {
    test.reset();
    save.reset();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) save.mutate(req);
      }}
    >
      <Stack gap="sm">
        <TextInput
          label="Jira address"
          placeholder="https://yourcompany.atlassian.net"
          value={url}
          onChange={(e) => {
            setUrl(e.currentTarget.value);
            changed();
          }}
          required
        />
        <TextInput
          label="Jira e-mail"
          description="Jira Cloud: the e-mail you sign in with. Jira Data Center: leave it empty."
          value={email}
          onChange={(e) => {
            setEmail(e.currentTarget.value);
            changed();
          }}
        />
        <PasswordInput
          label="Jira API token"
          description="Jira Cloud: id.atlassian.com → Security → API tokens. Jira Data Center: a personal access token (your profile → Personal Access Tokens). It is kept in your system keychain."
          value={token}
          onChange={(e) => {
            setToken(e.currentTarget.value);
            changed();
          }}
          required
        />
        {test.data && (
          <Text size="sm" c="teal" role="status" data-testid="jira-check">
            Connection works: {test.data.kind} at {test.data.url}.
          </Text>
        )}
        <ErrorAlert error={test.error ?? save.error} />
        <Group>
          <Button variant="default" disabled={!ready} loading={test.isPending} onClick={() => test.mutate(req)}>
            Test Jira connection
          </Button>
          <Button type="submit" disabled={!ready} loading={save.isPending}>
            Connect Jira
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The Jira card; `optional` says so on the first-run screen. */
export function JiraConnect({ optional = false }: { optional?: boolean }) {
  const status = useJiraStatus();
  const url = status.data?.url;
  return (
    <Card withBorder padding="lg" role="region" aria-label="Jira">
      <Stack gap="sm">
        <Title order={2} size="h3">
          {url ? "Jira" : optional ? "Connect to Jira (optional)" : "Connect to Jira"}
        </Title>
        {!url && (
          <Text size="sm">
            PI Planner reads the stories under your features' epics from Jira, shows where the plan and Jira disagree, and
            creates stories from acceptance criteria.
            {status.data?.demo && " Until you connect one, the demo uses its own Jira."}
          </Text>
        )}
        <ErrorAlert error={status.error} />
        {status.data && (url ? <Connected url={url} /> : <Form />)}
      </Stack>
    </Card>
  );
}
