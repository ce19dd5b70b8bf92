// Live sync in the window: the sync bar's indicator ("Live · checked 10:42", or "Offline" with
// the reason) and what the plan screen does when the plan file changed while it was shown (saved
// by another editor, or Targetprocess changes pulled by a look): it reloads with a notice, or,
// when the planner has unsaved edits in a form, asks first — typed text is never dropped unasked.
import { Alert, Badge, Button, Group, Text, Tooltip } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { useClient } from "../data";
import { usePendingEdits } from "../editor/unsaved";
import type { LiveStatusDto, PlanChangeDto } from "../ipc";
import { useRefreshAfterSync } from "./hooks";

/** How often the window asks the app for the live state (a local call, no network). */
const REFRESH_MS = 500;

export function useLiveStatus() {
  const client = useClient();
  return useQuery({ queryKey: ["live-status"], queryFn: () => client.liveStatus(), refetchInterval: REFRESH_MS, staleTime: 0 });
}

/** `10:42` in the planner's time zone. */
function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function LiveIndicator({ status }: { status: LiveStatusDto | undefined }) {
  if (!status) return null;
  switch (status.state) {
    case "live":
      return (
        <Tooltip label={`PI Planner asks Targetprocess what changed every ${status.pollSeconds} s and watches the plan file.`}>
          <Badge color="teal" variant="dot" data-testid="live-indicator">
            {status.checkedAt ? `Live · checked ${clock(status.checkedAt)}` : "Live · checking…"}
          </Badge>
        </Tooltip>
      );
    case "offline":
      return (
        <Group gap={6} wrap="nowrap">
          <Badge color="orange" variant="dot" data-testid="live-indicator">
            Offline
          </Badge>
          <Text size="xs" c="dimmed" data-testid="live-reason">
            {status.reason ?? "Targetprocess could not be reached."}
            {status.checkedAt ? ` Last checked ${clock(status.checkedAt)}.` : ""}
          </Text>
        </Group>
      );
    case "off":
      return (
        <Tooltip label="Looking at Targetprocess is turned off in Settings; the plan file is still watched.">
          <Badge color="gray" variant="dot" data-testid="live-indicator">
            Live updates off
          </Badge>
        </Tooltip>
      );
  }
}

const RELOADED: Record<PlanChangeDto, string> = {
  outside: "The plan file was changed outside the app — reloaded",
  pulled: "Targetprocess changes were pulled into the plan — reloaded",
};

const CHANGED: Record<PlanChangeDto, string> = {
  outside: "Changed outside the app",
  pulled: "Targetprocess changes were pulled into the plan",
};

/**
 * Follows the changes that reach the open plan file: reloads the plan and says so, or, with
 * unsaved edits, offers "reload and lose your unsaved edits" or "keep editing".
 */
export function LivePlanChanges({ status }: { status: LiveStatusDto | undefined }) {
  const pendingEdits = usePendingEdits();
  const refresh = useRefreshAfterSync();
  const queryClient = useQueryClient();
  const [seen, setSeen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [asking, setAsking] = useState<PlanChangeDto | null>(null);
  const [kept, setKept] = useState(false);
  /** Re-reads asked for by a change: the plan with it, or only its sync status. */
  const [reread, setReread] = useState<{ count: number; plan: boolean }>({ count: 0, plan: false });
  const revision = status?.revision;
  const change = status?.lastChange ?? "outside";

  // A new revision is taken while rendering (the first one seen is the plan as opened).
  if (revision !== undefined && revision !== seen) {
    setSeen(revision);
    if (seen !== null) {
      const unsaved = pendingEdits() !== null;
      setKept(false);
      setAsking(unsaved ? change : null);
      setNotice(unsaved ? null : RELOADED[change]);
      setReread((r) => ({ count: r.count + 1, plan: !unsaved }));
    }
  }
  useEffect(() => {
    if (reread.count === 0) return;
    // With unsaved edits only the plan's status is re-read; the plan waits for the planner.
    if (reread.plan) void refresh();
    else void queryClient.invalidateQueries({ queryKey: ["sync-status"] });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reread]);

  if (asking)
    return (
      <Alert color="orange" title={CHANGED[asking]} data-testid="live-ask" mb="md">
        <Text size="sm">Reload and lose your unsaved edits, or keep editing?</Text>
        <Group gap="sm" mt="sm">
          <Button
            size="xs"
            color="orange"
            onClick={() => {
              pendingEdits()?.discard();
              setAsking(null);
              setNotice(RELOADED[asking]);
              void refresh();
            }}
          >
            Reload and lose my unsaved edits
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              setAsking(null);
              setKept(true);
            }}
          >
            Keep editing
          </Button>
        </Group>
      </Alert>
    );
  if (kept)
    return (
      <Alert color="yellow" withCloseButton closeButtonLabel="Dismiss" onClose={() => setKept(false)} data-testid="live-kept" mb="md">
        Your edits are kept. Saving them writes your version of the plan over the changed file; Undo last save brings
        the changed version back.
      </Alert>
    );
  if (notice)
    return (
      <Alert color="blue" withCloseButton closeButtonLabel="Dismiss" onClose={() => setNotice(null)} data-testid="live-notice" mb="md">
        {notice}
      </Alert>
    );
  return null;
}
