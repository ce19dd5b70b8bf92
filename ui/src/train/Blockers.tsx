// What stops each team's push after "Sync all" (validation errors, sign-off awaited, conflicts, a
// teammate's push holding the plan), each with a link that opens the team's plan on it: the
// errors at their fields, the sign-off panel, the conflicts, or the plan.
import { Button, Group, List, Text } from "@mantine/core";

import type { PushBlockerDto, TeamSyncDto } from "../ipc";
import { count } from "../plural";

/** Where a blocker's link leads in the team's plan. */
export type Opening = "plan" | "conflicts" | "signoff";

/** An RFC 3339 time as the planner's clock shows it; as it is when it cannot be read. */
function shownTime(at: string): string {
  const t = new Date(at);
  return Number.isNaN(t.getTime()) ? at : t.toLocaleTimeString();
}

function blockerWords(b: PushBlockerDto): { what: string; link: string; opening: Opening } {
  switch (b.kind) {
    case "validationErrors":
      return { what: `${count(b.findings.length, "validation error stops", "validation errors stop")} the push`, link: "Show the errors", opening: "plan" };
    case "awaitingApproval":
      return { what: `waits for sign-off: ${b.missing}`, link: "Open the sign-off", opening: "signoff" };
    case "conflicts":
      return { what: `${count(b.count, "conflict", "conflicts")} to settle`, link: "Open the conflicts", opening: "conflicts" };
    case "leaseHeld":
      return { what: `${b.by} is pushing this plan (until ${shownTime(b.until)})`, link: "Open the plan", opening: "plan" };
  }
}

export function Blockers({
  teams,
  onOpen,
  busy,
}: {
  teams: TeamSyncDto[];
  onOpen: (team: TeamSyncDto, opening: Opening) => void;
  busy: boolean;
}) {
  const blocked = teams.filter((t) => t.blocker);
  if (blocked.length === 0) return null;
  return (
    <div data-testid="train-blockers">
      <Text size="sm" fw={600} mt="xs">
        What stops a push
      </Text>
      <List size="sm">
        {blocked.map((t) => {
          const w = blockerWords(t.blocker as PushBlockerDto);
          return (
            <List.Item key={t.team} data-testid="train-blocker">
              <Group gap={6} wrap="nowrap">
                <Text size="sm">
                  <b>{t.team}</b>: {w.what}
                </Text>
                <Button variant="subtle" size="compact-sm" onClick={() => onOpen(t, w.opening)} disabled={busy} aria-label={`${w.link} of ${t.team}`}>
                  {w.link}
                </Button>
              </Group>
            </List.Item>
          );
        })}
      </List>
    </div>
  );
}
