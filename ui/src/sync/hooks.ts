// Backend data of syncing through TanStack Query: sync status, conflicts, settings, and the pull
// and push mutations with their progress. After any of them the plan and status are re-read.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { keys, useClient } from "../data";
import type { ChoiceDto, ProgressDto, ResolveRequest, SettingsUpdate } from "../ipc";

export const syncKeys = {
  status: ["sync-status"] as const,
  conflicts: ["conflicts"] as const,
  settings: ["settings"] as const,
};

/** Re-reads everything a sync may have changed. */
export function useRefreshAfterSync() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.plan }),
      queryClient.invalidateQueries({ queryKey: syncKeys.status }),
      queryClient.invalidateQueries({ queryKey: syncKeys.conflicts }),
    ]);
}

export function useSyncStatus() {
  const client = useClient();
  return useQuery({ queryKey: syncKeys.status, queryFn: () => client.syncStatus() });
}

export function useConflicts() {
  const client = useClient();
  return useQuery({ queryKey: syncKeys.conflicts, queryFn: () => client.conflictsList() });
}

export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: syncKeys.settings, queryFn: () => client.settingsGet() });
}

/** A pull with its latest progress step. */
export function usePull() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  const [progress, setProgress] = useState<ProgressDto | null>(null);
  const mutation = useMutation({
    mutationFn: () => {
      setProgress(null);
      return client.syncPull(setProgress);
    },
    onSettled: refresh,
  });
  return { ...mutation, progress };
}

export function usePushPreview() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.pushPreview() });
}

/** A push with its latest progress step. */
export function usePush() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  const [progress, setProgress] = useState<ProgressDto | null>(null);
  const mutation = useMutation({
    mutationFn: (confirmDeletes: boolean) => {
      setProgress(null);
      return client.syncPush(confirmDeletes, setProgress);
    },
    onSettled: refresh,
  });
  return { ...mutation, progress };
}

export function useResolve() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  return useMutation({ mutationFn: (req: ResolveRequest) => client.conflictResolve(req), onSettled: refresh });
}

export function useResolveAll() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  return useMutation({ mutationFn: (choice: ChoiceDto) => client.conflictsResolveAll(choice), onSettled: refresh });
}

export function useSettingsSave() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: SettingsUpdate) => client.settingsSave(update),
    onSuccess: (s) => queryClient.setQueryData(syncKeys.settings, s),
  });
}

export function useSignOut() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.signOut(),
    onSuccess: (status) => {
      queryClient.setQueryData(keys.status, status);
      queryClient.removeQueries({ queryKey: keys.plan });
    },
  });
}
