// "Create stories from acceptance criteria" on a feature card: one Jira story per saved
// criterion under the feature's epic (the engine's decompose, as `tpcli plan decompose`). A
// preview first says what will be created; stories created earlier are listed, never created
// again; what was created is shown with its Jira key. They appear under the feature at the next
// pull.
import { Button, Group, List, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import type { DecomposeDto, DecomposeStoryDto, FeatureDto } from "../ipc";
import { count } from "../plural";
import { useJiraDecompose } from "./hooks";

const stories = (n: number) => count(n, "story", "stories");

function Listed({ title, items, testId }: { title: string; items: DecomposeStoryDto[]; testId: string }) {
  if (items.length === 0) return null;
  return (
    <Stack gap={4} data-testid={testId}>
      <Text size="sm" fw={500}>
        {title}
      </Text>
      <List size="sm" spacing={2}>
        {items.map((s) => (
          <List.Item key={s.text}>
            {s.key && (
              <Text span fw={600} mr={6}>
                {s.key}
              </Text>
            )}
            {s.text}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

function Result({ result }: { result: DecomposeDto }) {
  const of = (r: DecomposeStoryDto["result"]) => result.stories.filter((s) => s.result === r);
  const toCreate = of("toCreate");
  const created = of("created");
  const earlier = of("alreadyCreated");
  return (
    <Stack gap="sm">
      {result.preview && toCreate.length === 0 && (
        <Text size="sm" role="status">
          Nothing to create under {result.epic}: every story was created earlier.
        </Text>
      )}
      <Listed title={`Will create ${stories(toCreate.length)} under ${result.epic}:`} items={toCreate} testId="stories-to-create" />
      <Listed title={`Created ${stories(created.length)} under ${result.epic}:`} items={created} testId="stories-created" />
      <Listed title={`Already created earlier (${stories(earlier.length)}):`} items={earlier} testId="stories-earlier" />
      {!result.preview && (
        <Text size="sm" c="dimmed" role="status">
          The stories appear under the feature at the next pull.
        </Text>
      )}
    </Stack>
  );
}

export function CreateStories({ feature }: { feature: FeatureDto }) {
  const [open, setOpen] = useState(false);
  const preview = useJiraDecompose();
  const create = useJiraDecompose();
  if (!feature.id || !feature.jiraKey || feature.acceptanceCriteria.length === 0) return null;
  const id = feature.id;
  const shown = create.data ?? preview.data;
  const toCreate = preview.data?.stories.filter((s) => s.result === "toCreate").length ?? 0;
  const start = () => {
    setOpen(true);
    create.reset();
    preview.mutate({ feature: id, preview: true });
  };
  return (
    <>
      <Button size="xs" variant="light" style={{ alignSelf: "flex-start" }} onClick={start}>
        Create stories from acceptance criteria
      </Button>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`Stories for “${feature.name}” in Jira`}
        size="lg"
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            One story per saved acceptance criterion, under the epic {feature.jiraKey}. A story created before is never
            created twice.
          </Text>
          {preview.isPending && <Text size="sm">Looking at what was created before…</Text>}
          <ErrorAlert error={preview.error ?? create.error} />
          {shown && <Result result={shown} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {create.data ? "Close" : "Cancel"}
            </Button>
            {!create.data && (
              <Button
                disabled={!preview.data || toCreate === 0}
                loading={create.isPending}
                onClick={() => create.mutate({ feature: id, preview: false })}
              >
                Create {stories(toCreate)}
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
