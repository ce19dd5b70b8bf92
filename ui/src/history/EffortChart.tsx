// The team's committed effort (objectives marked committed) and all objective effort at each
// version of the plan, oldest first, with the baselines marked; the numbers also as a table.
//
// The chart is plain SVG drawn here: the app freezes Object.prototype (tauri.conf.json,
// `freezePrototype`), and chart libraries built on recharts fail to load under it (decimal.js-light
// assigns `toString` on its prototype object), which left the whole window blank.
import { Alert, Center, Group, Loader, Paper, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import type { EffortSeriesDto } from "../ipc";
import { useEffortSeries } from "./hooks";
import { KIND_LABELS, when } from "./words";

const W = 800;
const H = 260;
const M = { left: 56, right: 16, top: 24, bottom: 36 };
const COLORS = {
  committed: "var(--mantine-color-blue-6)",
  total: "var(--mantine-color-gray-5)",
  baseline: "var(--mantine-color-orange-6)",
  grid: "var(--mantine-color-default-border)",
  text: "var(--mantine-color-dimmed)",
};

/** A round upper bound for the y axis and its step: 75 → 80 by 20. */
function scale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 10, step: 5 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step) * step, step };
}

/** Committed and total effort per version as step lines, baselines as dashed verticals. */
function LineSvg({ series }: { series: EffortSeriesDto }) {
  const points = series.points;
  const n = points.length;
  const { top, step } = scale(Math.max(...points.map((p) => Math.max(p.total, p.committed))));
  const x = (i: number) => M.left + (n === 1 ? (W - M.left - M.right) / 2 : (i * (W - M.left - M.right)) / (n - 1));
  const y = (v: number) => M.top + (1 - v / top) * (H - M.top - M.bottom);
  const path = (key: "committed" | "total") =>
    points.map((p, i) => (i === 0 ? `M${x(0)},${y(p[key])}` : `H${x(i)}V${y(p[key])}`)).join("") +
    (n === 1 ? `H${x(0) + 1}` : "");
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const every = Math.max(1, Math.ceil(n / 8));
  const first = points[0]!;
  const last = points[n - 1]!;
  const summary = `Committed effort ${first.committed} → ${last.committed} points, all objectives ${first.total} → ${last.total} points, over ${n} versions`;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={summary} style={{ display: "block" }}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke={COLORS.grid} strokeDasharray="4 4" />
          <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end" fontSize={11} fill={COLORS.text}>
            {t} pts
          </text>
        </g>
      ))}
      {points.map((p, i) =>
        i % every === 0 || i === n - 1 ? (
          <text key={p.rev} x={x(i)} y={H - M.bottom + 18} textAnchor="middle" fontSize={11} fill={COLORS.text}>
            #{i + 1}
          </text>
        ) : null,
      )}
      {points.flatMap((p, i) =>
        p.baselines.map((b) => (
          <g key={`${p.rev}:${b}`} data-baseline={b}>
            <line x1={x(i)} x2={x(i)} y1={M.top - 8} y2={H - M.bottom} stroke={COLORS.baseline} strokeDasharray="6 3" />
            <text x={x(i) + 4} y={M.top - 10} fontSize={11} fill={COLORS.baseline}>
              Baseline {b}
            </text>
          </g>
        )),
      )}
      <path d={path("total")} fill="none" stroke={COLORS.total} strokeWidth={2} data-series="total" />
      <path d={path("committed")} fill="none" stroke={COLORS.committed} strokeWidth={2.5} data-series="committed" />
      {points.map((p, i) => (
        <g key={p.rev}>
          {(["total", "committed"] as const).map((key) => (
            <circle key={key} cx={x(i)} cy={y(p[key])} r={3.5} fill={COLORS[key]}>
              <title>
                {`#${i + 1} · ${when(p.at)} · ${KIND_LABELS[p.kind]}: committed ${p.committed} pts, all objectives ${p.total} pts`}
              </title>
            </circle>
          ))}
        </g>
      ))}
    </svg>
  );
}

function Legend() {
  const item = (color: string, label: string) => (
    <Group gap={6} wrap="nowrap">
      <svg width="14" height="14" aria-hidden="true">
        <circle cx="7" cy="7" r="6" fill={color} />
      </svg>
      <Text size="sm">{label}</Text>
    </Group>
  );
  return (
    <Group gap="md" justify="flex-end">
      {item(COLORS.committed, "Committed objectives")}
      {item(COLORS.total, "All objectives")}
    </Group>
  );
}

export function EffortSeriesView({ series }: { series: EffortSeriesDto }) {
  return (
    <Stack gap="sm" data-testid="effort-chart">
      <Title order={3} size="h5">
        Committed effort over time{series.team ? ` · ${series.team}` : ""}
      </Title>
      {series.capped && (
        <Alert color="gray" variant="light" data-testid="effort-capped">
          Showing the newest {series.limit} versions; older versions are not charted.
        </Alert>
      )}
      {series.points.length === 0 ? (
        <Text size="sm" c="dimmed">
          No versions yet.
        </Text>
      ) : (
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Legend />
            <LineSvg series={series} />
            <Text size="xs" c="dimmed" ta="center">
              Version (oldest left) · effort in points
            </Text>
          </Stack>
        </Paper>
      )}
      {series.points.length > 0 && (
        <ScrollArea.Autosize mah={220}>
          <Table striped verticalSpacing={2} aria-label="Effort per version" data-testid="effort-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th ta="right">Committed</Table.Th>
                <Table.Th ta="right">All objectives</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {series.points.map((p, i) => (
                <Table.Tr key={p.rev}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>{when(p.at)}</Table.Td>
                  <Table.Td>
                    {KIND_LABELS[p.kind]}
                    {p.baselines.map((b) => ` · baseline ${b}`).join("")}
                  </Table.Td>
                  <Table.Td ta="right">{p.committed}</Table.Td>
                  <Table.Td ta="right">{p.total}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

export function EffortChart() {
  const series = useEffortSeries();
  if (series.isPending)
    return (
      <Center h={120}>
        <Loader aria-label="Loading the effort over time" />
      </Center>
    );
  if (series.error) return <ErrorAlert error={series.error} title="The effort over time could not be read" />;
  return <EffortSeriesView series={series.data} />;
}
