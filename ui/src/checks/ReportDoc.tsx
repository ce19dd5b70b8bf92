// A pi-reports document as the app shows it: sections of lines, bullets (with their nesting) and
// tables, words inserted or deleted marked as such. The change report and the train's report.
import { Stack, Table, Text } from "@mantine/core";

import type { ReportBlockDto, ReportSectionDto, ReportSpanDto } from "../ipc";

function Spans({ spans }: { spans: ReportSpanDto[] }) {
  return (
    <>
      {spans.map((s, i) =>
        s.kind === "strong" ? (
          <b key={i}>{s.text}</b>
        ) : s.kind === "ins" ? (
          <ins key={i}>{s.text}</ins>
        ) : s.kind === "del" ? (
          <del key={i}>{s.text}</del>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

function Block({ block }: { block: ReportBlockDto }) {
  switch (block.kind) {
    case "line":
      return (
        <Text size="sm">
          <Spans spans={block.spans} />
        </Text>
      );
    case "item":
      return (
        <Text size="sm" pl={12 + block.level * 16} data-testid="report-item">
          • <Spans spans={block.spans} />
        </Text>
      );
    case "table":
      return (
        <Table withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              {block.header.map((h) => (
                <Table.Th key={h}>{h}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {block.rows.map((row, i) => (
              <Table.Tr key={i}>
                {row.map((cell, j) => (
                  <Table.Td key={j}>{cell}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      );
  }
}

export function ReportSections({ sections }: { sections: ReportSectionDto[] }) {
  return (
    <>
      {sections.map((s) => (
        <Stack key={s.heading} gap={2}>
          <Text fw={600} size="sm">
            {s.heading}
          </Text>
          {s.blocks.length === 0 ? (
            <Text size="sm" c="dimmed">
              None.
            </Text>
          ) : (
            s.blocks.map((b, i) => <Block key={i} block={b} />)
          )}
        </Stack>
      ))}
    </>
  );
}
