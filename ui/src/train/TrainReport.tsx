// The train's report in the app (`tpcli plan report --art NAME`, the same pi-reports document):
// a row per team with the report's columns and what needs attention, exported as markdown or
// HTML to the Downloads folder.
import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";

import { ErrorAlert } from "../ErrorAlert";
import { ReportSections } from "../checks/ReportDoc";
import { useClient } from "../data";
import type { ReportFormatDto, TrainRequest } from "../ipc";

export function TrainReport({ req, onClose }: { req: TrainRequest; onClose: () => void }) {
  const client = useClient();
  const report = useQuery({
    queryKey: ["train-report", req.art.id, req.release.id],
    queryFn: () => client.trainReport(req),
    gcTime: 0,
  });
  const exported = useMutation({ mutationFn: (format: ReportFormatDto) => client.trainReportExport(req, format) });
  return (
    <Paper withBorder p="md" component="section" aria-label="Train report" data-testid="train-report">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {report.data?.title ?? "Train report"}
          </Title>
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => exported.mutate("markdown")} disabled={!report.data} loading={exported.isPending && exported.variables === "markdown"}>
              Export markdown
            </Button>
            <Button size="xs" variant="default" onClick={() => exported.mutate("html")} disabled={!report.data} loading={exported.isPending && exported.variables === "html"}>
              Export HTML
            </Button>
            <Button size="xs" variant="subtle" onClick={onClose}>
              Close the report
            </Button>
          </Group>
        </Group>
        {report.isPending && <Loader size="sm" aria-label="Loading the train report" />}
        <ErrorAlert error={report.error ?? exported.error} />
        {exported.data && (
          <Alert color="green" variant="light" data-testid="train-report-saved">
            Saved as {exported.data.path}
          </Alert>
        )}
        {report.data && (
          <>
            <Text size="sm" c="dimmed">
              Read from the team plans in {report.data.folder}.
            </Text>
            <ReportSections sections={report.data.sections} />
          </>
        )}
      </Stack>
    </Paper>
  );
}
