// A feature's Jira stories, read-only: each with its status as a chip colored by Jira's status
// category, its points and assignee, and how many of them are done.
import { Anchor, Badge, Group, Progress, Stack, Table, Text } from "@mantine/core";

import type { FeatureDto, StoryDto } from "../ipc";
import { count } from "../plural";

/** The sum of the stories' points; `null` when none of them has points. */
export function storyPoints(stories: StoryDto[]): number | null {
  const pointed = stories.filter((s) => s.points !== null);
  return pointed.length === 0 ? null : pointed.reduce((sum, s) => sum + (s.points ?? 0), 0);
}

/** The stories' points of every feature; `null` when no story has points. */
export function featuresStoryPoints(features: FeatureDto[]): number | null {
  return storyPoints(features.flatMap((f) => f.stories));
}

/** "8 pts", "2.5 pts", "1 pt". */
export const points = (n: number) => count(Math.round(n * 10) / 10, "pt", "pts");

const isDone = (s: StoryDto) => s.statusCategory === "done";

/** The chip's color and its words for screen readers, by Jira's status category. */
function category(s: StoryDto): { color: string; words: string } {
  switch (s.statusCategory) {
    case "done":
      return { color: "teal", words: "done" };
    case "indeterminate":
      return { color: "blue", words: "in progress" };
    case "new":
      return { color: "gray", words: "not started" };
    default:
      return { color: "yellow", words: "status unknown" };
  }
}

export function Stories({ stories }: { stories: StoryDto[] }) {
  if (stories.length === 0) return null;
  const done = stories.filter(isDone).length;
  return (
    <Stack gap={6} role="group" aria-label="Jira stories" data-testid="stories">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          Jira stories <Text span size="xs" c="dimmed">(read-only, from Jira at the last pull)</Text>
        </Text>
        <Text size="sm" data-testid="stories-done">
          {done} of {count(stories.length, "story", "stories")} done
        </Text>
      </Group>
      <Progress
        value={(done / stories.length) * 100}
        color="teal"
        size="sm"
        aria-label={`${done} of ${stories.length} stories done`}
      />
      <Table verticalSpacing={4} fz="sm">
        <Table.Tbody>
          {stories.map((s) => {
            const c = category(s);
            return (
              <Table.Tr key={s.key}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  {s.url ? (
                    <Anchor href={s.url} target="_blank" rel="noreferrer">
                      {s.key}
                    </Anchor>
                  ) : (
                    s.key
                  )}
                </Table.Td>
                <Table.Td>{s.summary}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={c.color} title={c.words} aria-label={`${s.status ?? "No status"}: ${c.words}`}>
                    {s.status ?? "No status"}
                  </Badge>
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{s.points === null ? "no points" : points(s.points)}</Table.Td>
                <Table.Td c={s.assignee ? undefined : "dimmed"}>{s.assignee ?? "unassigned"}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
