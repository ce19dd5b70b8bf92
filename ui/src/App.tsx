// The window: a header (where you are, theme, settings) and the screen for the current step —
// welcome, identity, workspace picker, plan editor with Pull / Push, conflicts, settings. A sync
// event (a notification was shown) switches to the view it is about.
import {
  AppShell,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  SegmentedControl,
  Text,
  Title,
  useMantineColorScheme,
  type MantineColorScheme,
} from "@mantine/core";
import { useEffect, useState } from "react";

import { ErrorAlert } from "./ErrorAlert";
import { useClient, useStatus } from "./data";
import { AuditView } from "./approvals/AuditView";
import { SignoffPanel } from "./approvals/SignoffPanel";
import { PlanEditor } from "./editor/PlanEditor";
import { useUnsavedGuard } from "./editor/unsaved";
import { HistoryView } from "./history/HistoryView";
import type { AppStatus } from "./ipc";
import { IdentityScreen } from "./screens/IdentityScreen";
import { PickerScreen } from "./screens/PickerScreen";
import { WelcomeScreen } from "./screens/WelcomeScreen";
import { ConflictsView } from "./sync/ConflictsView";
import { SettingsScreen } from "./sync/SettingsScreen";
import { SyncBar } from "./sync/SyncBar";
import { useRefreshAfterSync } from "./sync/hooks";

type View = "plan" | "conflicts" | "settings" | "history" | "signoff" | "audit";

function ThemeSwitch() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <SegmentedControl
      size="xs"
      aria-label="Theme"
      value={colorScheme}
      onChange={(v) => setColorScheme(v as MantineColorScheme)}
      data={[
        { label: "Light", value: "light" },
        { label: "Dark", value: "dark" },
        { label: "System", value: "auto" },
      ]}
    />
  );
}

function ConnectionBadge({ status }: { status: AppStatus }) {
  const c = status.connection;
  if (c.kind === "none") return null;
  return (
    <Badge variant="light" color={c.kind === "demo" ? "grape" : "teal"} title={c.kind === "targetprocess" ? c.url : undefined}>
      {c.kind === "demo" ? "Demo Targetprocess" : "Targetprocess"}
    </Badge>
  );
}

function Screen({
  status,
  picking,
  onPicked,
  view,
  setView,
}: {
  status: AppStatus;
  picking: boolean;
  onPicked: () => void;
  view: View;
  setView: (v: View) => void;
}) {
  if (view === "settings" && status.connection.kind !== "none") return <SettingsScreen onDone={() => setView("plan")} />;
  if (status.connection.kind === "none") return <WelcomeScreen />;
  if (!status.identity) return <IdentityScreen />;
  if (!status.workspace || picking) return <PickerScreen current={status.workspace} onOpened={onPicked} />;
  if (view === "conflicts") return <ConflictsView onDone={() => setView("plan")} />;
  if (view === "signoff") return <SignoffPanel onDone={() => setView("plan")} />;
  if (view === "audit") return <AuditView onDone={() => setView("plan")} />;
  if (view === "history") return <HistoryView onDone={() => setView("plan")} />;
  return (
    <>
      <SyncBar onConflicts={() => setView("conflicts")} onSignoff={() => setView("signoff")} />
      <div style={{ height: 16 }} />
      <PlanEditor />
    </>
  );
}

/** Switches to the view a sync event is about and re-reads the plan. */
function useSyncEvents(setView: (v: View) => void) {
  const client = useClient();
  const refresh = useRefreshAfterSync();
  useEffect(
    () =>
      client.onSyncEvent((e) => {
        void refresh();
        if (e.view === "conflicts") setView("conflicts");
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client],
  );
}

export function App() {
  const status = useStatus();
  const [picking, setPicking] = useState(false);
  const [view, showView] = useState<View>("plan");
  // Unsaved edits are saved or discarded (the planner is asked) before any switch.
  const guard = useUnsavedGuard();
  const setView = (v: View) => guard(() => showView(v));
  useSyncEvents(setView);
  const ws = status.data?.workspace;
  const editing = !!status.data?.identity && !!ws && !picking;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Title order={1} size="h4">
              PI Planner
            </Title>
            {status.data && <ConnectionBadge status={status.data} />}
            {editing && ws && (
              <Text size="sm" c="dimmed" truncate="end" data-testid="workspace-title">
                {ws.art.name} › {ws.release.name} › {ws.team.name}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            {editing && (
              <Button size="xs" variant={view === "history" ? "filled" : "default"} onClick={() => setView(view === "history" ? "plan" : "history")}>
                History
              </Button>
            )}
            {editing &&
              (["signoff", "audit"] as const).map((v) => (
                <Button key={v} size="xs" variant={view === v ? "filled" : "default"} onClick={() => setView(view === v ? "plan" : v)}>
                  {v === "signoff" ? "Sign-off" : "Audit"}
                </Button>
              ))}
            {editing && (
              <Button size="xs" variant="default" onClick={() => guard(() => setPicking(true))}>
                Change team
              </Button>
            )}
            {status.data && status.data.connection.kind !== "none" && (
              <Button size="xs" variant="default" onClick={() => setView(view === "settings" ? "plan" : "settings")}>
                Settings
              </Button>
            )}
            <ThemeSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {status.isPending && (
          <Center h={200}>
            <Loader aria-label="Loading" />
          </Center>
        )}
        {status.error && <ErrorAlert error={status.error} />}
        {status.data && (
          <Screen
            status={status.data}
            picking={picking}
            onPicked={() => {
              setPicking(false);
              setView("plan");
            }}
            view={view}
            setView={setView}
          />
        )}
      </AppShell.Main>
    </AppShell>
  );
}
