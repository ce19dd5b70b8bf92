// The editor's backend data besides the plan: the account's users for the owner fields, and
// what "Undo last save" would undo. Both are keyed by the plan's version, so a save, an undo, an
// open or a pull reads them again.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useClient } from "../data";

export function useUsers(planVersion: number) {
  const client = useClient();
  return useQuery({
    queryKey: ["users", planVersion],
    queryFn: () => client.usersList(),
    placeholderData: keepPreviousData,
  });
}

export function useUndoPreview(planVersion: number, canUndo: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: ["undo-preview", planVersion],
    queryFn: () => client.planUndoPreview(),
    enabled: canUndo,
  });
}
