// Providers around the app: the typed client, TanStack Query and the Mantine theme.
import "@mantine/core/styles.css";

import { MantineProvider, createTheme, localStorageColorSchemeManager } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";

import { App } from "./App";
import { ClientContext } from "./data";
import { UnsavedEditsProvider } from "./editor/unsaved";
import type { PlannerClient } from "./ipc";

const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
});

const colorSchemeManager = localStorageColorSchemeManager({ key: "pi-planner-color-scheme" });

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: Infinity },
      mutations: { retry: false },
    },
  });
}

export function Root({ client }: { client: PlannerClient }) {
  const [queryClient] = useState(newQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <QueryClientProvider client={queryClient}>
        <ClientContext.Provider value={client}>
          <UnsavedEditsProvider>
            <App />
          </UnsavedEditsProvider>
        </ClientContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
