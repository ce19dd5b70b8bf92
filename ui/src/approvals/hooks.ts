// Backend data of sign-off, the audit trail and templates through TanStack Query. These views are
// opened on demand, so their queries are always re-read when they mount.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { keys, useClient } from "../data";
import type { ExportFormat, PlanView, ProgressDto, TemplateAddRequest } from "../ipc";
import { useRefreshAfterSync } from "../sync/hooks";

export const approvalKeys = {
  status: ["approvals"] as const,
  audit: ["audit"] as const,
  templates: ["templates"] as const,
};

const fresh = { staleTime: 0, refetchOnMount: "always" } as const;

export function useApprovalsStatus() {
  const client = useClient();
  return useQuery({ queryKey: approvalKeys.status, queryFn: () => client.approvalsStatus(), ...fresh });
}

export function useApprove() {
  const client = useClient();
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterSync();
  return useMutation({
    mutationFn: (comment: string) => client.approve(comment),
    onSuccess: (status) => queryClient.setQueryData(approvalKeys.status, status),
    onSettled: async () => {
      await refresh();
      await queryClient.invalidateQueries({ queryKey: approvalKeys.audit });
    },
  });
}

/** A push that overrides the approval policy, with its latest progress step. */
export function usePushOverride() {
  const client = useClient();
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterSync();
  const [progress, setProgress] = useState<ProgressDto | null>(null);
  const mutation = useMutation({
    mutationFn: ({ reason, confirmDeletes }: { reason: string; confirmDeletes: boolean }) => {
      setProgress(null);
      return client.syncPushOverride(reason, confirmDeletes, setProgress);
    },
    onSettled: async () => {
      await refresh();
      await queryClient.invalidateQueries({ queryKey: approvalKeys.status });
      await queryClient.invalidateQueries({ queryKey: approvalKeys.audit });
    },
  });
  return { ...mutation, progress };
}

export function useAuditTrail() {
  const client = useClient();
  return useQuery({ queryKey: approvalKeys.audit, queryFn: () => client.auditTrail(), ...fresh });
}

export function useAuditExport() {
  const client = useClient();
  return useMutation({ mutationFn: (format: ExportFormat) => client.auditExport(format) });
}

export function useTemplates() {
  const client = useClient();
  return useQuery({ queryKey: approvalKeys.templates, queryFn: () => client.templatesList(), ...fresh });
}

export function useTemplateAdd() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: TemplateAddRequest) => client.templateAdd(req),
    onSuccess: (view: PlanView) => queryClient.setQueryData(keys.plan, view),
  });
}
