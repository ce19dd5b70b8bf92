// The checks view's data: the change report (read when the view opens), verify, the plan's
// pushes and undoing one of them. Whatever changes the plan or Targetprocess re-reads the plan and its sync status.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useClient } from "../data";
import { useOpenPlan, useRefreshAfterSync } from "../sync/hooks";

export function useChangeReport() {
  const client = useClient();
  const plan = useOpenPlan();
  return useQuery({ queryKey: ["change-report", plan], queryFn: () => client.changeReport(), enabled: plan !== null, gcTime: 0 });
}

/** "Check against Targetprocess"; with `repair`, first what is safe to repair. */
export function useVerify() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  return useMutation({ mutationFn: (repair: boolean) => client.planVerify(repair), onSettled: refresh });
}

/** The plan's pushes, newest first, to pick the one to undo. */
export function useRollbackPushes() {
  const client = useClient();
  const plan = useOpenPlan();
  return useQuery({ queryKey: rollbackPushesKey(plan), queryFn: () => client.rollbackPushes(), enabled: plan !== null, gcTime: 0 });
}

const rollbackPushesKey = (plan: string | null) => ["rollback-pushes", plan] as const;

/** What undoing push `opId` (null: the latest) would write back. */
export function useRollbackPreview() {
  const client = useClient();
  return useMutation({ mutationFn: (opId: string | null) => client.rollbackPreview(opId) });
}

export function useRollback() {
  const client = useClient();
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterSync();
  return useMutation({
    mutationFn: ({ opId, confirmDeletes }: { opId: string | null; confirmDeletes: boolean }) => client.rollback(opId, confirmDeletes),
    onSettled: () => Promise.all([refresh(), queryClient.invalidateQueries({ queryKey: ["rollback-pushes"] })]),
  });
}
