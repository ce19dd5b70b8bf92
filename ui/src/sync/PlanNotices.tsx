// What the last opening or pull of the plan could not bring, in plain words: Targetprocess items
// the plan could not place or map (with the likely cause), and "Jira unreachable: stories not
// refreshed". Shown on the plan screen until the planner dismisses it or the next pull.
import { Alert, List } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";

import { keys } from "../data";

/** Keeps `notices` as the ones the plan screen shows (an empty list hides the alert). */
export function useSetNotices() {
  const queryClient = useQueryClient();
  return (notices: string[]) => queryClient.setQueryData(keys.notices, notices);
}

export function PlanNotices() {
  const notices = useQuery({ queryKey: keys.notices, queryFn: () => [] as string[], staleTime: Infinity });
  const setNotices = useSetNotices();
  const shown = notices.data ?? [];
  if (shown.length === 0) return null;
  return (
    <Alert
      color="yellow"
      title="Not everything could be brought into the plan"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={() => setNotices([])}
      data-testid="plan-notices"
      mb="md"
    >
      <List size="sm">
        {shown.map((n) => (
          <List.Item key={n}>{n}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
