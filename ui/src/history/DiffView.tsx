// A comparison of two plan versions: effort totals before and after (team and per program
// objective), then every objective and feature that was added, removed, moved or changed, with
// each changed field old → new. Side by side (before | after) or inline; words that changed in
// descriptions and acceptance criteria are marked (<del> removed, <ins> added) with their meaning
// spelled out for screen readers.
import { Badge, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import type { CSSProperties, ReactNode } from "react";

import type { ComparisonDto, EffortTotalsDto, EntityChangeDto, FieldChangeDto, WordSpan } from "../ipc";
import { delta, when } from "./words";

export type DiffMode = "sideBySide" | "inline";

const INS: CSSProperties = {
  background: "var(--mantine-color-green-light)",
  color: "var(--mantine-color-green-light-color)",
  textDecoration: "none",
  borderRadius: 2,
};
const DEL: CSSProperties = {
  background: "var(--mantine-color-red-light)",
  color: "var(--mantine-color-red-light-color)",
  borderRadius: 2,
};
const TEXT: CSSProperties = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" };

function Added({ children }: { children: ReactNode }) {
  return (
    <ins style={INS} data-diff="insert">
      <VisuallyHidden>added: </VisuallyHidden>
      {children}
    </ins>
  );
}

function Removed({ children }: { children: ReactNode }) {
  return (
    <del style={DEL} data-diff="delete">
      <VisuallyHidden>removed: </VisuallyHidden>
      {children}
    </del>
  );
}

/** Word spans of one side (`before`: equal and deleted words; `after`: equal and inserted) or
 * all of them interleaved (`both`). */
function Words({ spans, side }: { spans: WordSpan[]; side: "before" | "after" | "both" }) {
  return (
    <span style={TEXT}>
      {spans.map((s, i) => {
        if (s.tag === "equal") return <span key={i}>{s.text}</span>;
        if (s.tag === "delete") return side === "after" ? null : <Removed key={i}>{s.text}</Removed>;
        return side === "before" ? null : <Added key={i}>{s.text}</Added>;
      })}
    </span>
  );
}

function Value({ text, muted }: { text: string; muted?: boolean }) {
  return (
    <Text size="sm" c={muted ? "dimmed" : undefined} style={TEXT} component="span">
      {text}
    </Text>
  );
}

function SideBySideRow({ f, presence }: { f: FieldChangeDto; presence: string }) {
  const changed = presence === "changed";
  let before: ReactNode = <Value text="—" muted />;
  if (presence !== "added")
    before = f.words ? <Words spans={f.words} side="before" /> : changed ? <Removed>{f.before}</Removed> : <Value text={f.before} />;
  let after: ReactNode = <Value text="—" muted />;
  if (presence !== "removed")
    after = f.words ? <Words spans={f.words} side="after" /> : changed ? <Added>{f.after}</Added> : <Value text={f.after} />;
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500} style={{ width: "18%" }}>
        {f.label}
      </Table.Th>
      <Table.Td style={{ width: "41%" }}>{before}</Table.Td>
      <Table.Td style={{ width: "41%" }}>{after}</Table.Td>
    </Table.Tr>
  );
}

function InlineRow({ f, presence }: { f: FieldChangeDto; presence: string }) {
  let change: ReactNode;
  if (presence === "added") change = <Value text={f.after} />;
  else if (presence === "removed") change = <Value text={f.before} muted />;
  else if (f.words) change = <Words spans={f.words} side="both" />;
  else
    change = (
      <span style={TEXT}>
        <Removed>{f.before}</Removed> → <Added>{f.after}</Added>
      </span>
    );
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={500} style={{ width: "18%" }}>
        {f.label}
      </Table.Th>
      <Table.Td>{change}</Table.Td>
    </Table.Tr>
  );
}

const PRESENCE: Record<string, { label: string; color: string }> = {
  added: { label: "Added", color: "green" },
  removed: { label: "Removed", color: "red" },
  changed: { label: "Changed", color: "blue" },
};

function EntityCard({ e, mode }: { e: EntityChangeDto; mode: DiffMode }) {
  const presence = PRESENCE[e.presence] ?? { label: e.presence, color: "gray" };
  const kind = e.kind === "objective" ? "Objective" : "Feature";
  return (
    <Paper withBorder p="sm" data-testid="diff-entity" aria-label={`${kind} ${e.name}: ${presence.label.toLowerCase()}`} role="group">
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <Badge variant="outline" color="gray" size="sm">
            {kind}
          </Badge>
          <Text fw={600} size="sm">
            {e.name}
          </Text>
          <Badge color={presence.color} variant="light" size="sm">
            {presence.label}
          </Badge>
          {e.movedFrom && (
            <Badge color="grape" variant="light" size="sm">
              Moved
            </Badge>
          )}
          {e.objective && !e.movedFrom && (
            <Text size="xs" c="dimmed">
              in “{e.objective}”
            </Text>
          )}
        </Group>
        {e.movedFrom && (
          <Text size="sm">
            Moved from “{e.movedFrom}” to “{e.movedTo}”
          </Text>
        )}
        {e.fields.length > 0 && (
          <Table withTableBorder={false} verticalSpacing={4} layout="fixed">
            {mode === "sideBySide" && (
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Before</Table.Th>
                  <Table.Th>After</Table.Th>
                </Table.Tr>
              </Table.Thead>
            )}
            <Table.Tbody>
              {e.fields.map((f) =>
                mode === "sideBySide" ? (
                  <SideBySideRow key={f.field} f={f} presence={e.presence} />
                ) : (
                  <InlineRow key={f.field} f={f} presence={e.presence} />
                ),
              )}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

function Change({ before, after }: { before: number; after: number }) {
  const d = delta(before, after);
  return (
    <Text size="sm" c={d.startsWith("+") ? "green" : d === "0" ? "dimmed" : "red"} component="span">
      {d}
    </Text>
  );
}

/** Effort before and after: the team's objectives, committed objectives, features and each
 * program objective. */
export function EffortTable({ effort }: { effort: EffortTotalsDto }) {
  const rows: [string, { before: number; after: number }][] = [
    ["All objectives", effort.objectives],
    ["Committed objectives", effort.committed],
    ["Features", effort.features],
    ...effort.programObjectives.map((p): [string, { before: number; after: number }] => [`Program objective: ${p.name}`, p.effort]),
  ];
  return (
    <Table withTableBorder striped verticalSpacing={4} aria-label="Effort before and after" data-testid="effort-totals">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Effort (points){effort.team ? ` · ${effort.team}` : ""}</Table.Th>
          <Table.Th ta="right">Before</Table.Th>
          <Table.Th ta="right">After</Table.Th>
          <Table.Th ta="right">Change</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(([label, t]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row" fw={400}>
              {label}
            </Table.Th>
            <Table.Td ta="right">{t.before}</Table.Td>
            <Table.Td ta="right">{t.after}</Table.Td>
            <Table.Td ta="right">
              <Change before={t.before} after={t.after} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Side({ title, side }: { title: string; side: ComparisonDto["before"] }) {
  const facts = [side.who, when(side.at)].filter(Boolean).join(" · ");
  const label = side.label.charAt(0).toUpperCase() + side.label.slice(1);
  return (
    <Paper withBorder p="xs" style={{ flex: 1 }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {title}
      </Text>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {facts && (
        <Text size="xs" c="dimmed">
          {facts}
        </Text>
      )}
    </Paper>
  );
}

export function DiffView({ comparison, mode }: { comparison: ComparisonDto; mode: DiffMode }) {
  const { entities } = comparison;
  const count = (p: string) => entities.filter((e) => e.presence === p).length;
  const moved = entities.filter((e) => e.movedFrom).length;
  const summary = [
    `${count("added")} added`,
    `${count("removed")} removed`,
    `${count("changed") - moved} changed`,
    `${moved} moved`,
  ].join(" · ");
  return (
    <Stack gap="sm" data-testid="diff-view" data-mode={mode}>
      <Group gap="sm" align="stretch" wrap="nowrap">
        <Side title="Before" side={comparison.before} />
        <Side title="After" side={comparison.after} />
      </Group>
      <EffortTable effort={comparison.effort} />
      <Group justify="space-between">
        <Title order={3} size="h5">
          Differences ({entities.length})
        </Title>
        <Text size="xs" c="dimmed">
          {summary}
        </Text>
      </Group>
      {entities.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="no-differences">
          The two versions hold the same objectives and features.
        </Text>
      ) : (
        entities.map((e) => <EntityCard key={`${e.kind}:${e.id}`} e={e} mode={mode} />)
      )}
    </Stack>
  );
}
