// Asked once: who the planner is, for attributing edits (prefilled from git configuration).
import { Button, Card, Container, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useIdentitySave, useIdentitySuggestion } from "../data";
import type { IdentityDto } from "../ipc";

function IdentityForm({ suggestion }: { suggestion: IdentityDto }) {
  const [name, setName] = useState(suggestion.name);
  const [email, setEmail] = useState(suggestion.email);
  const save = useIdentitySave();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ name, email });
      }}
    >
      <Stack>
        <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <TextInput
          label="Your e-mail address"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          required
        />
        <ErrorAlert error={save.error} />
        <Button type="submit" loading={save.isPending} style={{ alignSelf: "flex-start" }}>
          Continue
        </Button>
      </Stack>
    </form>
  );
}

export function IdentityScreen() {
  const suggestion = useIdentitySuggestion();
  return (
    <Container size="xs" py="xl">
      <Card withBorder padding="lg">
        <Stack>
          <Title order={2} size="h3">
            Who is planning?
          </Title>
          <Text size="sm" c="dimmed">
            Your changes to the plan are recorded under this name. You are asked only once.
          </Text>
          {suggestion.data && <IdentityForm suggestion={suggestion.data} />}
          <ErrorAlert error={suggestion.error} />
        </Stack>
      </Card>
    </Container>
  );
}
