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
  Menu,
  SegmentedControl,
  Text,
  Title,
  useMantineColorScheme,
  type MantineColorScheme,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { ErrorAlert } from "./ErrorAlert";
import { useClient, useStatus } from "./data";
import { AuditView } from "./approvals/AuditView";
import { ChecksView } from "./checks/ChecksView";
import { SignoffPanel } from "./approvals/SignoffPanel";
import { PlanEditor } from "./editor/PlanEditor";
import { useUnsavedGuard } from "./editor/unsaved";
import { HealthView } from "./health/HealthView";
import { HistoryView } from "./history/HistoryView";
import type { AppStatus, WorkspaceDto } from "./ipc";
import { IdentityScreen } from "./screens/IdentityScreen";
import { PickerScreen } from "./screens/PickerScreen";
import { WelcomeScreen } from "./screens/WelcomeScreen";
import { ConflictsView } from "./sync/ConflictsView";
import { SettingsScreen } from "./sync/SettingsScreen";
import { LivePlanChanges, useLiveStatus } from "./sync/Live";
import { PlanNotices } from "./sync/PlanNotices";
import { SyncBar } from "./sync/SyncBar";
import { TrainView } from "./train/TrainView";
import { JiraEntry } from "./jira/JiraEntry";
import { OutOfSyncView } from "./jira/OutOfSyncView";

type View = "plan" | "conflicts" | "settings" | "history" | "signoff" | "audit" | "train" | "checks" | "jira" | "health";

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

function ConnectionBadge({ status, compact }: { status: AppStatus; compact: boolean }) {
  const c = status.connection;
  if (c.kind === "none") return null;
  const label = c.kind === "demo" ? (compact ? "Demo" : "Demo Targetprocess") : compact ? "TP" : "Targetprocess";
  return (
    <Badge
      variant="light"
      color={c.kind === "demo" ? "grape" : "teal"}
      title={c.kind === "targetprocess" ? c.url : "Demo Targetprocess"}
      style={{ flexShrink: 0 }}
    >
      {label}
    </Badge>
  );
}

/** Where the planner is: the release train (shortened first when space runs out) › PI › team. */
function Breadcrumb({ ws }: { ws: WorkspaceDto }) {
  return (
    <Group
      gap={0}
      wrap="nowrap"
      style={{ minWidth: 0, flex: 1 }}
      data-testid="workspace-title"
      aria-label={`${ws.art.name}, ${ws.release.name}, ${ws.team.name}`}
    >
      <Text size="sm" c="dimmed" truncate="end" title={ws.art.name} style={{ minWidth: 24, flexShrink: 1 }} data-testid="crumb-art">
        {ws.art.name}
      </Text>
      <Text size="sm" c="dimmed" style={{ whiteSpace: "pre", flexShrink: 0 }} data-testid="crumb-pi">
        {` › ${ws.release.name} › `}
      </Text>
      <Text size="sm" c="dimmed" truncate="end" title={ws.team.name} style={{ minWidth: 0, flexShrink: 0, maxWidth: 200 }} data-testid="crumb-team">
        {ws.team.name}
      </Text>
    </Group>
  );
}

function Screen({
  status,
  picking,
  onPicked,
  view,
  setView,
  focus,
}: {
  status: AppStatus;
  picking: boolean;
  onPicked: () => void;
  view: View;
  setView: (v: View) => void;
  /** The conflicting entity a link named, shown first among the conflicts. */
  focus?: string;
}) {
  if (view === "settings" && status.connection.kind !== "none") return <SettingsScreen onDone={() => setView("plan")} />;
  if (status.connection.kind === "none") return <WelcomeScreen />;
  if (!status.identity) return <IdentityScreen />;
  if (!status.workspace || picking) return <PickerScreen current={status.workspace} onOpened={onPicked} />;
  if (view === "conflicts") return <ConflictsView focus={focus} onDone={() => setView("plan")} />;
  if (view === "signoff") return <SignoffPanel onDone={() => setView("plan")} />;
  if (view === "audit") return <AuditView onDone={() => setView("plan")} />;
  if (view === "history") return <HistoryView onDone={() => setView("plan")} />;
  if (view === "health") return <HealthView onDone={() => setView("plan")} />;
  if (view === "jira") return <OutOfSyncView onDone={() => setView("plan")} />;
  if (view === "checks") return <ChecksView onDone={() => setView("plan")} />;
  if (view === "train")
    return <TrainView art={status.workspace.art} release={status.workspace.release} onOpened={(opening) => setView(opening)} />;
  return (
    <>
      <SyncBar onConflicts={() => setView("conflicts")} onSignoff={() => setView("signoff")} onChecks={() => setView("checks")} />
      <div style={{ height: 16 }} />
      <JiraEntry onOpen={() => setView("jira")} />
      <PlanNotices />
      <LiveChanges />
      <PlanEditor />
    </>
  );
}

/** The plan screen's notice of a change that reached the plan file while it was shown. */
function LiveChanges() {
  return <LivePlanChanges status={useLiveStatus().data} />;
}

/**
 * Switches to the view a sync event is about. The plan itself is re-read by `LivePlanChanges`,
 * which asks first when the planner has unsaved edits.
 */
function useSyncEvents(setView: (v: View) => void, onLink: (conflict: string | undefined, error: unknown) => void) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.onSyncEvent((e) => {
        void queryClient.invalidateQueries({ queryKey: ["sync-status"] });
        if (e.view === "conflicts") setView("conflicts");
        else if (e.view === "health") setView("health");
        else if (e.view === "train") setView("train");
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client],
  );
  // A `pi-planner://` link the app was started with or handed later (a notification's "Open in
  // PI Planner"): the plan it names is opened, and a conflict's leads to that conflict.
  useEffect(() => {
    const open = async () => {
      const link = await client.linkTake();
      if (!link) return;
      try {
        await client.linkOpen(link);
        await queryClient.invalidateQueries();
        onLink(link.conflict ?? undefined, null);
        setView(link.conflict ? "conflicts" : "plan");
      } catch (e) {
        onLink(undefined, e);
      }
    };
    void open().catch(() => {});
    return client.onLinkHanded(() => void open().catch(() => {}));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);
}

export function App() {
  const status = useStatus();
  const [picking, setPicking] = useState(false);
  const [view, showView] = useState<View>("plan");
  // Unsaved edits are saved or discarded (the planner is asked) before any switch.
  const guard = useUnsavedGuard();
  const setView = (v: View) => guard(() => showView(v));
  const [focus, setFocus] = useState<string>();
  const [linkError, setLinkError] = useState<unknown>(null);
  useSyncEvents(setView, (conflict, error) => {
    setFocus(conflict);
    setLinkError(error);
  });
  const ws = status.data?.workspace;
  // Below this width the secondary buttons go into a menu, so the header never wraps.
  const compact = useMediaQuery("(max-width: 1279px)") ?? false;
  // Below this width the connection's badge is short, so the breadcrumb keeps its room beside
  // the row of buttons (seven of them and the theme switch at 1280 px).
  const shortBadge = useMediaQuery("(max-width: 1439px)") ?? false;
  const editing = !!status.data?.identity && !!ws && !picking;
  const views: { view: View; label: string }[] = editing
    ? [
        { view: "train", label: "Train" },
        { view: "history", label: "History" },
        { view: "signoff", label: "Sign-off" },
        { view: "audit", label: "Audit" },
        { view: "health", label: "Sync health" },
      ]
    : [];
  const connected = !!status.data && status.data.connection.kind !== "none";
  const toggle = (v: View) => setView(view === v ? "plan" : v);
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm" data-testid="app-header">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
            <Title order={1} size="h4" style={{ whiteSpace: "nowrap", flexShrink: 0 }} data-testid="app-title">
              PI Planner
            </Title>
            {status.data && <ConnectionBadge status={status.data} compact={compact || shortBadge} />}
            {editing && ws && <Breadcrumb ws={ws} />}
          </Group>
          <Group gap="sm" wrap="nowrap" style={{ flexShrink: 0 }}>
            {!compact &&
              views.map(({ view: v, label }) => (
                <Button key={v} size="xs" variant={view === v ? "filled" : "default"} onClick={() => toggle(v)}>
                  {label}
                </Button>
              ))}
            {!compact && editing && (
              <Button size="xs" variant="default" onClick={() => guard(() => setPicking(true))}>
                Change team
              </Button>
            )}
            {!compact && connected && (
              <Button size="xs" variant="default" onClick={() => toggle("settings")}>
                Settings
              </Button>
            )}
            {compact && connected && (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button size="xs" variant="default" data-testid="header-menu">
                    Menu ▾
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {views.map(({ view: v, label }) => (
                    <Menu.Item key={v} onClick={() => toggle(v)} fw={view === v ? 700 : undefined}>
                      {label}
                    </Menu.Item>
                  ))}
                  {editing && <Menu.Item onClick={() => guard(() => setPicking(true))}>Change team</Menu.Item>}
                  <Menu.Item onClick={() => toggle("settings")} fw={view === "settings" ? 700 : undefined}>
                    Settings
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
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
        {linkError != null && <ErrorAlert error={linkError} />}
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
            focus={focus}
          />
        )}
      </AppShell.Main>
    </AppShell>
  );
}
