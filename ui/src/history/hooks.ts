// Backend data of the History screen through TanStack Query: the versions, a comparison of two
// versions, committed effort over time, the conflicts found and resolved and what changed since
// the last sync. Always re-read when
// a screen mounts: every save, pull and push makes a new version.
import { useQuery } from "@tanstack/react-query";

import { useClient } from "../data";

export const historyKeys = {
  history: ["history"] as const,
  compare: (before: string, after: string) => ["compare", before, after] as const,
  effort: ["effort-series"] as const,
  conflicts: ["history-conflicts"] as const,
  syncChanges: (version: number) => ["sync-changes", version] as const,
};

export function useHistory() {
  const client = useClient();
  return useQuery({ queryKey: historyKeys.history, queryFn: () => client.historyList(), staleTime: 0 });
}

export function useCompare(before: string, after: string) {
  const client = useClient();
  return useQuery({
    queryKey: historyKeys.compare(before, after),
    queryFn: () => client.planCompare(before, after),
    staleTime: 0,
  });
}

export function useEffortSeries() {
  const client = useClient();
  return useQuery({ queryKey: historyKeys.effort, queryFn: () => client.effortSeries(), staleTime: 0 });
}

/** The plan's conflicts as the op log tells them, newest found first. */
export function useConflictLog() {
  const client = useClient();
  return useQuery({ queryKey: historyKeys.conflicts, queryFn: () => client.historyConflicts(), staleTime: 0 });
}

/** What differs from Targetprocess's last known state; `version` is the plan's data version, so a
 * save, pull or push re-reads it. */
export function useSyncChanges(version: number) {
  const client = useClient();
  return useQuery({ queryKey: historyKeys.syncChanges(version), queryFn: () => client.syncChanges() });
}
