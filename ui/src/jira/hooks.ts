// Jira's data through TanStack Query: the connection, the "Out of sync" findings and creating a
// feature's stories.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { keys as appKeys, useClient } from "../data";
import type { DecomposeRequest, JiraConnectRequest, LintFixRequest } from "../ipc";

export const jiraKeys = {
  status: ["jira-status"] as const,
  lint: ["jira-lint"] as const,
};

export function useJiraStatus() {
  const client = useClient();
  // Read again whenever shown: starting or leaving the demo changes it.
  return useQuery({ queryKey: jiraKeys.status, queryFn: () => client.jiraStatus(), refetchOnMount: "always" });
}

export function useJiraTest() {
  const client = useClient();
  return useMutation({ mutationFn: (req: JiraConnectRequest) => client.jiraTest(req) });
}

/** Connecting or forgetting Jira: the status it answers becomes the cached one. */
function useJiraStatusMutation<A>(run: (arg: A) => ReturnType<ReturnType<typeof useClient>["jiraStatus"]>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async (status) => {
      queryClient.setQueryData(jiraKeys.status, status);
      await queryClient.invalidateQueries({ queryKey: jiraKeys.lint });
    },
  });
}

export function useJiraSave() {
  const client = useClient();
  return useJiraStatusMutation((req: JiraConnectRequest) => client.jiraSave(req));
}

export function useJiraForget() {
  const client = useClient();
  return useJiraStatusMutation(() => client.jiraForget());
}

export function useJiraLint() {
  const client = useClient();
  return useQuery({ queryKey: jiraKeys.lint, queryFn: () => client.jiraLint(), refetchOnMount: "always" });
}

/** "Apply fix": the findings left become the cached ones; the plan is read again. */
export function useJiraLintFix() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: LintFixRequest) => client.jiraLintFix(req),
    onSuccess: async (lint) => {
      queryClient.setQueryData(jiraKeys.lint, lint);
      await queryClient.invalidateQueries({ queryKey: appKeys.plan });
      await queryClient.invalidateQueries({ queryKey: appKeys.syncStatus });
    },
  });
}

export function useJiraDecompose() {
  const client = useClient();
  return useMutation({ mutationFn: (req: DecomposeRequest) => client.jiraDecompose(req) });
}
