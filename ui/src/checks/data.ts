// The checks view's data: the change report (read when the view opens), verify and undoing the
// latest push. Whatever changes the plan or Targetprocess re-reads the plan and its sync status.
import { useMutation, useQuery } from "@tanstack/react-query";

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

export function useRollbackPreview() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.rollbackPreview() });
}

export function useRollback() {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  return useMutation({ mutationFn: (confirmDeletes: boolean) => client.rollback(confirmDeletes), onSettled: refresh });
}
