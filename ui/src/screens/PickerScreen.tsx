// Workspace picker: ART → release → team from Targetprocess, then open the team's plan.
import { Button, Card, Container, Group, NativeSelect, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useArts, useReleases, useTeams, useWorkspaceOpen } from "../data";
import type { PickItem, WorkspaceDto } from "../ipc";

/** "Choose a release train (ART)": the article and the abbreviation as planners write them. */
const pickWords: Record<string, string> = {
  "Release train (ART)": "a release train (ART)",
  "Release (PI)": "a release (PI)",
  Team: "a team",
};

function Picker({
  label,
  items,
  value,
  onChange,
  loading,
}: {
  label: string;
  items: PickItem[] | undefined;
  value: number | null;
  onChange: (id: number | null) => void;
  loading: boolean;
}) {
  const placeholder = loading ? "Loading…" : `Choose ${pickWords[label] ?? label}`;
  return (
    <NativeSelect
      label={label}
      disabled={!items || items.length === 0}
      value={value === null ? "" : String(value)}
      onChange={(e) => onChange(e.currentTarget.value === "" ? null : Number(e.currentTarget.value))}
      data={[{ value: "", label: placeholder }, ...(items ?? []).map((i) => ({ value: String(i.id), label: i.name }))]}
    />
  );
}

export function PickerScreen({ current, onOpened }: { current: WorkspaceDto | null; onOpened: () => void }) {
  const [art, setArt] = useState<number | null>(current?.art.id ?? null);
  const [release, setRelease] = useState<number | null>(current?.release.id ?? null);
  const [team, setTeam] = useState<number | null>(current?.team.id ?? null);
  const arts = useArts(true);
  const releases = useReleases(art);
  const teams = useTeams(art);
  const open = useWorkspaceOpen();
  // Opening reads the plan and then the app's status: the spinner covers both.
  const [opening, setOpening] = useState(false);
  const find = (items: PickItem[] | undefined, id: number | null) => items?.find((i) => i.id === id);
  const chosen = {
    art: find(arts.data, art),
    release: find(releases.data, release),
    team: find(teams.data, team),
  };
  const ready = chosen.art && chosen.release && chosen.team;
  return (
    <Container size="sm" py="xl">
      <Card withBorder padding="lg">
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!chosen.art || !chosen.release || !chosen.team) return;
            setOpening(true);
            try {
              await open.mutateAsync({ art: chosen.art, release: chosen.release, team: chosen.team });
            } catch {
              setOpening(false);
              return;
            }
            onOpened();
          }}
        >
          <Stack>
            <Title order={2} size="h3">
              Choose your team's plan
            </Title>
            <Text size="sm" c="dimmed">
              Pick the release train, the PI and your team. PI Planner loads the team's plan from Targetprocess.
            </Text>
            <Picker
              label="Release train (ART)"
              items={arts.data}
              value={art}
              loading={arts.isPending}
              onChange={(id) => {
                setArt(id);
                setRelease(null);
                setTeam(null);
              }}
            />
            <Picker label="Release (PI)" items={releases.data} value={release} loading={releases.isFetching} onChange={setRelease} />
            <Picker label="Team" items={teams.data} value={team} loading={teams.isFetching} onChange={setTeam} />
            <ErrorAlert error={arts.error ?? releases.error ?? teams.error ?? open.error} />
            <Group>
              <Button type="submit" disabled={!ready} loading={opening}>
                Open plan
              </Button>
              {current && (
                <Button variant="default" onClick={onOpened}>
                  Back to {current.team.name}
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Card>
    </Container>
  );
}
