// Backend data of syncing through TanStack Query: sync status, conflicts, settings, and the pull,
// push, resume and discard mutations with their progress. After any of them the plan and status
// are re-read. What belongs to a plan is cached under that plan, so switching team never shows
// another team's counts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { keys, useClient, useStatus } from "../data";
import type { ChoiceDto, DiscardRequest, PlannerClient, ProgressDto, ResolveRequest, SettingsUpdate } from "../ipc";

export const syncKeys = {
  /** Every plan's sync status (to re-read them all). */
  status: keys.syncStatus,
  statusOf: (plan: string | null) => ["sync-status", plan] as const,
  conflicts: ["conflicts"] as const,
  conflictsOf: (plan: string | null) => ["conflicts", plan] as const,
  settings: ["settings"] as const,
  logFolder: ["log-folder"] as const,
};

/** The open plan (its file), the key its sync data is cached under; null when none is open. */
export function useOpenPlan(): string | null {
  return useStatus().data?.workspace?.planFile ?? null;
}

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
  const plan = useOpenPlan();
  return useQuery({ queryKey: syncKeys.statusOf(plan), queryFn: () => client.syncStatus(), enabled: plan !== null });
}

export function useConflicts() {
  const client = useClient();
  const plan = useOpenPlan();
  return useQuery({ queryKey: syncKeys.conflictsOf(plan), queryFn: () => client.conflictsList(), enabled: plan !== null });
}

export function useSettings() {
  const client = useClient();
  return useQuery({ queryKey: syncKeys.settings, queryFn: () => client.settingsGet() });
}

/** A sync operation of the client with its latest progress step; the plan's data is read again
 * when it settles. */
function useSyncWithProgress<A, R>(
  run: (client: PlannerClient, arg: A, onProgress: (p: ProgressDto) => void) => Promise<R>,
) {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  const [progress, setProgress] = useState<ProgressDto | null>(null);
  const mutation = useMutation({
    mutationFn: (arg: A) => {
      setProgress(null);
      return run(client, arg, setProgress);
    },
    onSettled: refresh,
  });
  return { ...mutation, progress };
}

/** A pull with its latest progress step. */
export const usePull = () => useSyncWithProgress((c, _arg: void, on) => c.syncPull(on));

export function usePushPreview() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.pushPreview() });
}

/** A push with its latest progress step. */
export const usePush = () =>
  useSyncWithProgress((c, confirmDeletes: boolean, on) => c.syncPush(confirmDeletes, on));

/** "Finish the interrupted push", with its latest progress step. */
export const useResume = () => useSyncWithProgress((c, _arg: void, on) => c.syncResume(on));

/** "Discard this change": the plan it leaves becomes the cached plan. */
export function useDiscard() {
  const client = useClient();
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterSync();
  return useMutation({
    mutationFn: (req: DiscardRequest) => client.changeDiscard(req),
    onSuccess: (view) => queryClient.setQueryData(keys.plan, view),
    onSettled: refresh,
  });
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

/** The folder of the app's log files (null where there is none) and opening it. */
export function useLogFolder() {
  const client = useClient();
  return useQuery({ queryKey: syncKeys.logFolder, queryFn: () => client.logFolderGet() });
}

export function useOpenLogFolder() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.logFolderOpen() });
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
