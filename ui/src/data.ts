// Backend data through TanStack Query: one hook per query or mutation of the typed client. The
// query cache is the only copy of backend data in the UI.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext } from "react";

import type { AppStatus, PlannerClient, PlanView } from "./ipc";

export const ClientContext = createContext<PlannerClient | null>(null);

export function useClient(): PlannerClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useClient outside ClientContext");
  return client;
}

export const keys = {
  status: ["status"] as const,
  identitySuggestion: ["identity-suggestion"] as const,
  arts: ["arts"] as const,
  releases: (art: number) => ["releases", art] as const,
  teams: (art: number) => ["teams", art] as const,
  plan: ["plan"] as const,
  /** What the last opening or pull could not bring (sync/PlanNotices.tsx). */
  notices: ["notices"] as const,
  /** Every plan's sync status (src/sync/hooks.ts keys each by its plan under this prefix). */
  syncStatus: ["sync-status"] as const,
};

export function useStatus() {
  const client = useClient();
  return useQuery({ queryKey: keys.status, queryFn: () => client.appStatus() });
}

export function useIdentitySuggestion() {
  const client = useClient();
  return useQuery({ queryKey: keys.identitySuggestion, queryFn: () => client.identitySuggest() });
}

export function useArts(enabled: boolean) {
  const client = useClient();
  return useQuery({ queryKey: keys.arts, queryFn: () => client.artsList(), enabled });
}

export function useReleases(art: number | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.releases(art ?? 0),
    queryFn: () => client.releasesList(art ?? 0),
    enabled: art !== null,
  });
}

export function useTeams(art: number | null) {
  const client = useClient();
  return useQuery({
    queryKey: keys.teams(art ?? 0),
    queryFn: () => client.teamsList(art ?? 0),
    enabled: art !== null,
  });
}

export function usePlan(enabled: boolean) {
  const client = useClient();
  return useQuery({ queryKey: keys.plan, queryFn: () => client.planGet(), enabled });
}

/** A mutation whose result is the new app status. */
function useStatusMutation<A>(run: (client: PlannerClient, arg: A) => Promise<AppStatus>) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (arg: A) => run(client, arg),
    onSuccess: (status) => {
      queryClient.setQueryData(keys.status, status);
      queryClient.removeQueries({ queryKey: keys.arts });
      queryClient.removeQueries({ queryKey: ["releases"] });
      queryClient.removeQueries({ queryKey: ["teams"] });
    },
  });
}

export const useDemoStart = () => useStatusMutation<void>((c) => c.demoStart());
export const useConnectionSave = () =>
  useStatusMutation<{ url: string; token: string }>((c, req) => c.connectionSave(req));
export const useIdentitySave = () =>
  useStatusMutation<{ name: string; email: string }>((c, identity) => c.identitySave(identity));

export function useConnectionTest() {
  const client = useClient();
  return useMutation({ mutationFn: (req: { url: string; token: string }) => client.connectionTest(req) });
}

export function useConnectionUseNames() {
  const client = useClient();
  return useMutation({ mutationFn: (req: { url: string; token: string }) => client.connectionUseNames(req) });
}

/** A mutation whose result is the plan view; it becomes the cached plan. */
function usePlanMutation<A>(run: (client: PlannerClient, arg: A) => Promise<PlanView>) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (arg: A) => run(client, arg),
    onSuccess: async (view) => {
      queryClient.setQueryData(keys.plan, view);
      // An edit changes what a push would send.
      await queryClient.invalidateQueries({ queryKey: keys.syncStatus });
    },
  });
}

export function useWorkspaceOpen() {
  const queryClient = useQueryClient();
  const mutation = usePlanMutation<Parameters<PlannerClient["workspaceOpen"]>[0]>((c, req) =>
    c.workspaceOpen(req),
  );
  return {
    ...mutation,
    mutateAsync: async (req: Parameters<PlannerClient["workspaceOpen"]>[0]) => {
      const view = await mutation.mutateAsync(req);
      queryClient.setQueryData(keys.notices, view.notices);
      await queryClient.invalidateQueries({ queryKey: keys.status });
      return view;
    },
  };
}

export const usePlanSave = () =>
  usePlanMutation<Parameters<PlannerClient["planSave"]>[0]>((c, plan) => c.planSave(plan));
export const usePlanUndo = () => usePlanMutation<void>((c) => c.planUndo());
