// Settings: the Targetprocess connection (change, sign out), who edits are attributed to, the
// shared remote, the background pull interval, where the plans and the log files are kept ("Open
// log folder") and the theme (Cancel puts the theme back).
import { Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, TextInput, Title, useMantineColorScheme, type MantineColorScheme } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useIdentitySave } from "../data";
import type { SettingsDto } from "../ipc";
import { JiraConnect } from "../jira/JiraConnect";
import { HealthChecks } from "./HealthChecks";
import { useLogFolder, useOpenLogFolder, useSettings, useSettingsSave, useSignOut } from "./hooks";

/** Where the log files are, with "Open log folder"; nothing where the app writes none. */
function LogFiles() {
  const folder = useLogFolder();
  const open = useOpenLogFolder();
  if (!folder.data) return null;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text fw={600}>Log files</Text>
        <Text size="sm">
          PI Planner keeps a log of what it does (never your access token), one file a day for a week, in:
        </Text>
        <Group gap="xs" wrap="nowrap" align="center">
          <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }} data-testid="log-folder">
            {folder.data.path}
          </Text>
          <Button size="xs" variant="default" style={{ flexShrink: 0 }} loading={open.isPending} onClick={() => open.mutate()}>
            Open log folder
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Attach the latest file when you report a problem.
        </Text>
        <ErrorAlert error={open.error} />
      </Stack>
    </Card>
  );
}

function Form({ settings, onDone }: { settings: SettingsDto; onDone: () => void }) {
  const save = useSettingsSave();
  const identity = useIdentitySave();
  const signOut = useSignOut();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  // Cancel puts the theme back as it was when Settings opened.
  const [themeAtOpen] = useState(colorScheme);
  const [copied, setCopied] = useState(false);
  const [name, setName] = useState(settings.identity?.name ?? "");
  const [email, setEmail] = useState(settings.identity?.email ?? "");
  const [remote, setRemote] = useState(settings.remote ?? "");
  const [poll, setPoll] = useState<number>(settings.pollSeconds);
  const c = settings.connection;
  const where = c.kind === "demo" ? "the demo Targetprocess" : c.kind === "targetprocess" ? c.url : "nothing";
  return (
    <Stack maw={640}>
      <Title order={2} size="h3">
        Settings
      </Title>
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Targetprocess</Text>
          <Text size="sm">Connected to {where}.</Text>
          <Group gap="xs">
            <Button size="xs" color="red" variant="light" loading={signOut.isPending} onClick={() => signOut.mutate()}>
              {c.kind === "targetprocess" ? "Sign out (forget the token)" : "Leave the demo"}
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            Signing out removes the access token from the system keychain; connect again to change the account.
          </Text>
          <ErrorAlert error={signOut.error} />
        </Stack>
      </Card>
      <JiraConnect />
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Who edits are attributed to</Text>
          <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label="Your e-mail address" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <ErrorAlert error={identity.error} />
        </Stack>
      </Card>
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Sync</Text>
          <TextInput
            label="Shared remote"
            description="The address of your team's shared copy of the plans (ask whoever set it up), so the team shares the history. Leave empty for none."
            value={remote}
            onChange={(e) => setRemote(e.currentTarget.value)}
          />
          <NumberInput
            label="Look for Targetprocess changes every (seconds)"
            description="A small request that asks only what changed; the plan is pulled when something did. 0 turns live updates off."
            min={0}
            max={86400}
            value={poll}
            onChange={(v) => setPoll(Math.max(0, Math.round(Number(v) || 0)))}
          />
          <ErrorAlert error={save.error} />
        </Stack>
      </Card>
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Where your plans are kept</Text>
          <Text size="sm">
            Your plans are kept on this computer, one folder per team and PI, in:
          </Text>
          <Group gap="xs" wrap="nowrap" align="center">
            <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }} data-testid="plans-folder">
              {settings.plansFolder}
            </Text>
            <Button
              size="xs"
              variant="default"
              style={{ flexShrink: 0 }}
              onClick={async () => {
                await navigator.clipboard?.writeText(settings.plansFolder).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy the folder's location"}
            </Button>
          </Group>
        </Stack>
      </Card>
      <HealthChecks />
      <LogFiles />
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Theme</Text>
          <SegmentedControl
            aria-label="Theme setting"
            value={colorScheme}
            onChange={(v) => setColorScheme(v as MantineColorScheme)}
            data={[
              { label: "Light", value: "light" },
              { label: "Dark", value: "dark" },
              { label: "System", value: "auto" },
            ]}
          />
        </Stack>
      </Card>
      <Group>
        <Button
          loading={save.isPending || identity.isPending}
          onClick={async () => {
            await identity.mutateAsync({ name, email });
            await save.mutateAsync({ remote: remote || null, pollSeconds: poll });
            onDone();
          }}
        >
          Save settings
        </Button>
        <Button
          variant="default"
          onClick={() => {
            setColorScheme(themeAtOpen);
            onDone();
          }}
        >
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

export function SettingsScreen({ onDone }: { onDone: () => void }) {
  const settings = useSettings();
  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!settings.data) return null;
  return <Form settings={settings.data} onDone={onDone} />;
}
