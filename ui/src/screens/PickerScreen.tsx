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

/** A PI's place in time from its name ("PI-4/25" is the 4th PI of 2025; "2026 Q1", "PI 26.2"),
 * or null when the name says nothing of it. */
export function piOrder(name: string): number | null {
  const m = /(\d+)\s*[/.-]\s*(\d{2,4})\b/.exec(name.replace(/^\D*/, ""));
  const q = /\b(\d{4}|\d{2})\s*(?:Q|PI)\s*(\d)\b/i.exec(name);
  const year = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));
  if (m) {
    const [a, b] = [m[1]!, m[2]!];
    // "4/25": number then year; "26.2": year then number.
    return Number(a) <= 12 && b.length >= 2 && Number(b) > 12 ? year(b) * 100 + Number(a) : year(a) * 100 + Number(b);
  }
  if (q) return year(q[1]!) * 100 + Number(q[2]);
  return null;
}

/** PIs oldest first by the time their names give, the rest after them by name. */
export function sortPis(items: PickItem[]): PickItem[] {
  return [...items].sort((x, y) => {
    const a = piOrder(x.name);
    const b = piOrder(y.name);
    if (a !== null && b !== null && a !== b) return a - b;
    if (a === null && b !== null) return 1;
    if (a !== null && b === null) return -1;
    return x.name.localeCompare(y.name, undefined, { numeric: true });
  });
}

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
            <Picker label="Release (PI)" items={releases.data && sortPis(releases.data)} value={release} loading={releases.isFetching} onChange={setRelease} />
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
