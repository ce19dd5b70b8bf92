// The train view's data: the train's rows (re-read after a sync or a resolution) and opening a
// team's plan of the train, which becomes the open plan.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { keys, useClient } from "../data";
import type { OpenRequest, PickItem, TrainRequest } from "../ipc";

export const trainKey = (art: PickItem, release: PickItem) => ["train", art.id, release.id] as const;

export function useTrainStatus(req: TrainRequest) {
  const client = useClient();
  return useQuery({ queryKey: trainKey(req.art, req.release), queryFn: () => client.trainStatus(req) });
}

/** Opens a team's plan of the train; the app then shows it (the status names the open plan). */
export function useTrainTeamOpen() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (req: OpenRequest) => client.trainTeamOpen(req),
    onSuccess: async (view) => {
      queryClient.setQueryData(keys.plan, view);
      queryClient.setQueryData(keys.notices, []);
      await queryClient.invalidateQueries({ queryKey: keys.syncStatus });
      await queryClient.invalidateQueries({ queryKey: keys.status });
    },
  });
}
