// The steps of a running pull, push or resume as the engine reports them, in planner words, with
// a bar that moves with them (the sending step by the share of changes sent).
import { Progress, Stack, Text } from "@mantine/core";

import type { ProgressDto } from "../ipc";
import { changes } from "../plural";

/** What the step means to a planner. */
export function progressWords(p: ProgressDto): string {
  switch (p.step) {
    case "readingPlan":
      return "Reading your plan…";
    case "fetching":
      return "Reading the team's plan from Targetprocess…";
    case "merging":
      return "Merging Targetprocess's changes into your plan…";
    case "sent":
      return p.sent >= p.total ? `Sent ${changes(p.total)} to Targetprocess` : `Sent ${p.sent} of ${changes(p.total)}…`;
    case "committing":
      return "Saving the result in the plan's history…";
    case "publishing":
      return "Sharing the plan with your team…";
  }
}

/** How far along the operation is, 0–100: sending takes the middle of the bar. */
export function progressPercent(p: ProgressDto): number {
  switch (p.step) {
    case "readingPlan":
      return 5;
    case "fetching":
      return 15;
    case "merging":
      return 30;
    case "sent":
      return 30 + (55 * Math.min(p.sent, p.total)) / Math.max(p.total, 1);
    case "committing":
      return 88;
    case "publishing":
      return 95;
  }
}

/** The bar and the words of the latest step; before the first step, `waiting`. */
export function SyncProgress({
  progress,
  waiting,
  testId,
}: {
  progress: ProgressDto | null;
  waiting: string;
  testId: string;
}) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Progress value={progress ? progressPercent(progress) : 2} size="sm" animated />
      <Text size="xs" c="dimmed" role="status">
        {progress ? progressWords(progress) : waiting}
      </Text>
    </Stack>
  );
}
