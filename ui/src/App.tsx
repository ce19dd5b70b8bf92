// The window: a header (where you are, theme) and the screen for the current step — welcome,
// identity, workspace picker, plan editor.
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
import { useState } from "react";

import { ErrorAlert } from "./ErrorAlert";
import { useStatus } from "./data";
import { PlanEditor } from "./editor/PlanEditor";
import type { AppStatus } from "./ipc";
import { IdentityScreen } from "./screens/IdentityScreen";
import { PickerScreen } from "./screens/PickerScreen";
import { WelcomeScreen } from "./screens/WelcomeScreen";

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

function Screen({ status, picking, onPicked }: { status: AppStatus; picking: boolean; onPicked: () => void }) {
  if (status.connection.kind === "none") return <WelcomeScreen />;
  if (!status.identity) return <IdentityScreen />;
  if (!status.workspace || picking) return <PickerScreen current={status.workspace} onOpened={onPicked} />;
  return <PlanEditor />;
}

export function App() {
  const status = useStatus();
  const [picking, setPicking] = useState(false);
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
              <Button size="xs" variant="default" onClick={() => setPicking(true)}>
                Change team
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
        {status.data && <Screen status={status.data} picking={picking} onPicked={() => setPicking(false)} />}
      </AppShell.Main>
    </AppShell>
  );
}
