// "Changed since sync": an objective or feature of the plan whose fields differ from what
// Targetprocess had at the last pull or push, with the fields in a tooltip (and for screen
// readers in the text).
import { Badge, Tooltip, VisuallyHidden } from "@mantine/core";

import type { SyncChangeDto } from "../ipc";

/** The changes by item id. */
export function byId(changes: SyncChangeDto[] | undefined): Map<string, SyncChangeDto> {
  return new Map((changes ?? []).map((c) => [c.id, c]));
}

export function SyncBadge({ change }: { change: SyncChangeDto | undefined }) {
  if (!change || change.presence === "removed") return null;
  const added = change.presence === "added";
  const tip = added ? "Not in Targetprocess yet: push to create it." : `Changed since the last sync: ${change.fields.join(", ")}`;
  return (
    <Tooltip label={tip} withArrow multiline maw={280}>
      <Badge size="xs" variant="light" color="orange" data-testid="sync-badge" style={{ flexShrink: 0 }}>
        {added ? "new since sync" : "changed since sync"}
        <VisuallyHidden>{added ? "" : ` (${change.fields.join(", ")})`}</VisuallyHidden>
      </Badge>
    </Tooltip>
  );
}
