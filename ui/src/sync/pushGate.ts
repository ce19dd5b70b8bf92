// The findings of the last push the push gate stopped (the plan's validation errors), kept per
// open plan until the next push; the editor shows each one at its field.
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import type { BlockingFindingDto } from "../ipc";
import { useOpenPlan } from "./hooks";

const pushGateKey = (plan: string | null) => ["push-gate", plan] as const;

/** What stopped the last push of the open plan; empty when it was not stopped. */
export function usePushGate(): BlockingFindingDto[] {
  const plan = useOpenPlan();
  const q = useQuery({
    queryKey: pushGateKey(plan),
    queryFn: () => [] as BlockingFindingDto[],
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return q.data ?? [];
}

/** Keeps (or, with an empty list, clears) what stopped the open plan's push. */
export function useSetPushGate() {
  const plan = useOpenPlan();
  const queryClient = useQueryClient();
  return (findings: BlockingFindingDto[]) => queryClient.setQueryData(pushGateKey(plan), findings);
}

/** Keeps `findings` as what stopped the push of plan `plan` (its file), e.g. a team's plan of the
 * train that "Sync all" could not push, before it is opened. */
export function setPushGateOf(queryClient: QueryClient, plan: string, findings: BlockingFindingDto[]) {
  queryClient.setQueryData(pushGateKey(plan), findings);
}
