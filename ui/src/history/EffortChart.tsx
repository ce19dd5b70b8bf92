// The team's committed effort (objectives marked committed) and all objective effort at each
// version of the plan, oldest first, with the baselines marked; the numbers also as a table.
import "@mantine/charts/styles.css";

import { LineChart } from "@mantine/charts";
import { Alert, Center, Loader, Paper, ScrollArea, Stack, Table, Text, Title } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import type { EffortSeriesDto } from "../ipc";
import { useEffortSeries } from "./hooks";
import { KIND_LABELS, when } from "./words";

/** One x-axis entry per version: `#3 · 24 Nov, 05:33`. */
function chartData(series: EffortSeriesDto) {
  return series.points.map((p, i) => ({
    version: `#${i + 1} · ${when(p.at)}`,
    committed: p.committed,
    total: p.total,
  }));
}

export function EffortSeriesView({ series }: { series: EffortSeriesDto }) {
  const data = chartData(series);
  const baselines = series.points.flatMap((p, i) => p.baselines.map((name) => ({ x: data[i]!.version, label: `Baseline ${name}` })));
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
          <LineChart
            h={280}
            data={data}
            dataKey="version"
            curveType="stepAfter"
            withLegend
            unit=" pts"
            xAxisLabel="Version"
            yAxisLabel="Effort (points)"
            referenceLines={baselines.map((b) => ({ x: b.x, label: b.label, color: "orange.6" }))}
            series={[
              { name: "committed", label: "Committed objectives", color: "blue.6" },
              { name: "total", label: "All objectives", color: "gray.5" },
            ]}
          />
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
