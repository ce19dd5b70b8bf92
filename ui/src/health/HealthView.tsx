// The sync health dashboard: is sync healthy, and since when not — from the metrics of the
// operations run in this plan's folder (tpcli and the watch service; what `tpcli plan stats`
// reads): syncs and failures per week, the conflict trend, activity per team, the fields that
// conflict most and the requests made. Each chart's numbers are also in a table.
//
// The time charts (sync health over time, the conflict trend) are uPlot's (decision 0004: it
// loads under the app's frozen Object.prototype, which recharts does not); activity per team,
// bars by name rather than by time, stays plain SVG.
import { Alert, Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title, useMantineTheme } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type uPlot from "uplot";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { HealthTeamDto, HealthWeekDto, SyncHealthDto } from "../ipc";
import { TimeChart } from "./TimeChart";
import { type ChartColors, trendData, trendOptions, weeksData, weeksOptions } from "./timeCharts";

const W = 560;
const COLORS = {
  syncs: "var(--mantine-color-blue-6)",
  failed: "var(--mantine-color-red-6)",
  text: "var(--mantine-color-dimmed)",
};

/** A round upper bound for an axis: at least 1, in steps of 1, 2, 5 × 10ⁿ. */
export function niceTop(max: number): number {
  if (max <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((f) => f * mag).find((t) => t >= max) ?? 10 * mag;
}

/** The time charts' colours: the theme's, as canvas colours (a canvas takes no CSS variable). */
function useChartColors(): ChartColors {
  const theme = useMantineTheme();
  return useMemo(
    () => ({
      syncs: theme.colors.blue[6]!,
      failed: theme.colors.red[6]!,
      rate: theme.colors.orange[6]!,
      grid: theme.colors.gray[3]!,
      text: theme.colors.gray[6]!,
    }),
    [theme],
  );
}

/** Syncs and failed operations per week, as pairs of bars (uPlot). */
function WeeksChart({ weeks }: { weeks: HealthWeekDto[] }) {
  const colors = useChartColors();
  const data = useMemo(() => weeksData(weeks), [weeks]);
  const options = useCallback((width: number, u: typeof uPlot) => weeksOptions(weeks, width, colors, u.paths.bars!), [weeks, colors]);
  const label = weeks.map((w) => `${w.week}: ${w.syncs} syncs, ${w.failed} failed`).join("; ");
  return <TimeChart data={data} options={options} label={`Syncs and failures per week. ${label}`} testId="health-weeks-plot" />;
}

/** Conflicts per pull, week by week, as a line (uPlot). */
function TrendChart({ weeks }: { weeks: HealthWeekDto[] }) {
  const colors = useChartColors();
  const data = useMemo(() => trendData(weeks), [weeks]);
  const options = useCallback((width: number) => trendOptions(weeks, width, colors), [weeks, colors]);
  const label = weeks.map((w) => `${w.week}: ${w.conflictRate.toFixed(2)}`).join("; ");
  return <TimeChart data={data} options={options} label={`Conflicts per pull per week. ${label}`} testId="health-trend-plot" />;
}

/** Syncs per week of each team's plan, as horizontal bars. */
function TeamsSvg({ teams }: { teams: HealthTeamDto[] }) {
  const row = 28;
  const left = 150;
  const h = teams.length * row + 8;
  const top = niceTop(Math.max(...teams.map((t) => t.syncsPerWeek)));
  const x = (v: number) => left + (v / top) * (W - left - 60);
  return (
    // Never drawn wider than its own size: scaled up to a wide window, its text would be
    // twice the size of the text around it.
    <svg
      viewBox={`0 0 ${W} ${h}`}
      width="100%"
      style={{ display: "block", maxWidth: W }}
      role="img"
      aria-label="Syncs per week of each team"
    >
      {teams.map((t, i) => (
        <g key={`${t.release}/${t.team}`} data-team={t.team}>
          <text x={left - 8} y={i * row + 18} textAnchor="end" fontSize={12}>
            {t.team}
          </text>
          <rect x={left} y={i * row + 6} width={Math.max(1, x(t.syncsPerWeek) - left)} height={16} fill={t.failureStreak > 0 ? COLORS.failed : COLORS.syncs}>
            <title>{`${t.team}: ${t.syncsPerWeek.toFixed(1)} syncs a week`}</title>
          </rect>
          <text x={x(t.syncsPerWeek) + 6} y={i * row + 18} fontSize={11} fill={COLORS.text}>
            {t.syncsPerWeek.toFixed(1)}/wk
          </text>
        </g>
      ))}
    </svg>
  );
}

function Swatch({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <svg width="12" height="12" aria-hidden="true">
        <rect width="12" height="12" fill={color} />
      </svg>
      <Text size="xs">{label}</Text>
    </Group>
  );
}

const percent = (v: number) => `${Math.round(v * 100)}%`;

function TeamsTable({ teams }: { teams: HealthTeamDto[] }) {
  return (
    <Table striped verticalSpacing={2} aria-label="Teams" data-testid="health-teams">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Team</Table.Th>
          <Table.Th>Syncs a week</Table.Th>
          <Table.Th>Succeeded</Table.Th>
          <Table.Th>Last success</Table.Th>
          <Table.Th>Failing</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {teams.map((t) => (
          <Table.Tr key={`${t.release}/${t.team}`}>
            <Table.Td>
              {t.team} ({t.release})
            </Table.Td>
            <Table.Td>{t.syncsPerWeek.toFixed(1)}</Table.Td>
            <Table.Td>{percent(t.successRate)}</Table.Td>
            <Table.Td>{t.lastSuccess ?? "never"}</Table.Td>
            <Table.Td>{t.failureStreak > 0 ? `${t.failureStreak} in a row since ${t.failingSince ?? "?"}` : "no"}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function WeeksTable({ weeks }: { weeks: HealthWeekDto[] }) {
  return (
    <Table striped verticalSpacing={2} aria-label="Weeks" data-testid="health-weeks">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Week</Table.Th>
          <Table.Th>Syncs</Table.Th>
          <Table.Th>Failed</Table.Th>
          <Table.Th>Pulls</Table.Th>
          <Table.Th>Conflicts</Table.Th>
          <Table.Th>Conflicts per pull</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {weeks.map((w) => (
          <Table.Tr key={w.week}>
            <Table.Td>{w.week}</Table.Td>
            <Table.Td>{w.syncs}</Table.Td>
            <Table.Td>{w.failed}</Table.Td>
            <Table.Td>{w.pulls}</Table.Td>
            <Table.Td>{w.conflictsFound}</Table.Td>
            <Table.Td>{w.conflictRate.toFixed(2)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Dashboard({ health }: { health: SyncHealthDto }) {
  const color = health.state === "failing" ? "red" : health.state === "healthy" ? "green" : "gray";
  return (
    <Stack gap="md">
      <Alert color={color} variant="light" data-testid="health-headline">
        {health.headline}
      </Alert>
      {health.weeks.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Paper withBorder p="md" data-testid="health-weeks-chart">
            <Title order={3} size="h5">
              Sync health over time
            </Title>
            <Group gap="md">
              <Swatch color={COLORS.syncs} label="Syncs a week" />
              <Swatch color={COLORS.failed} label="Failed" />
            </Group>
            <WeeksChart weeks={health.weeks} />
          </Paper>
          <Paper withBorder p="md" data-testid="health-trend-chart">
            <Title order={3} size="h5">
              Conflict trend
            </Title>
            <Text size="xs" c="dimmed" data-testid="health-trend">
              {health.trendWords}
            </Text>
            <TrendChart weeks={health.weeks} />
          </Paper>
        </SimpleGrid>
      )}
      {health.teams.length > 0 && (
        <Paper withBorder p="md" data-testid="health-teams-chart">
          <Title order={3} size="h5">
            Activity per team
          </Title>
          <TeamsSvg teams={health.teams} />
          <TeamsTable teams={health.teams} />
        </Paper>
      )}
      {health.operations > 0 && (
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Paper withBorder p="md">
            <Title order={3} size="h5">
              Conflicts
            </Title>
            <Text size="sm" data-testid="health-conflicts">
              {health.conflictsFound} found, {health.conflictsResolved} resolved, {health.conflictsOpen} open
              {health.meanTimeToResolve ? `; resolved in ${health.meanTimeToResolve} on average` : ""}.
            </Text>
            {health.conflictsByField.slice(0, 5).map((c) => (
              <Text size="sm" key={c.name}>
                {c.name}: {c.count}
              </Text>
            ))}
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5">
              Errors
            </Title>
            {health.errors.length === 0 ? (
              <Text size="sm">None.</Text>
            ) : (
              health.errors.map((e) => (
                <Text size="sm" key={e.name}>
                  {e.name}: {e.count}
                </Text>
              ))
            )}
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h5">
              Requests
            </Title>
            {health.traffic.map((t) => (
              <Text size="sm" key={t.service}>
                {t.service}: {t.requests} requests, {t.retries} retries, {t.throttled} throttled
                {t.quota ? `; quota ${t.quota}` : ""}
              </Text>
            ))}
          </Paper>
        </SimpleGrid>
      )}
      {health.weeks.length > 0 && <WeeksTable weeks={health.weeks} />}
    </Stack>
  );
}

export function HealthView({ onDone }: { onDone: () => void }) {
  const client = useClient();
  const health = useQuery({ queryKey: ["sync-health"], queryFn: () => client.syncHealthGet(), staleTime: 0 });
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h3">
          Sync health
        </Title>
        <Button variant="default" onClick={onDone}>
          Back to the plan
        </Button>
      </Group>
      {health.isPending && (
        <Center>
          <Loader />
        </Center>
      )}
      {health.error && <ErrorAlert error={health.error} />}
      {health.data && <Dashboard health={health.data} />}
    </Stack>
  );
}
