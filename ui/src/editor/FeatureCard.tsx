// One feature of an objective: its fields, acceptance criteria as a checklist and the Jira link.
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";

import { SyncBadge } from "../history/SyncBadge";
import type { FeatureDto, FindingDto, SyncChangeDto } from "../ipc";
import { MoveButtons } from "./MoveButtons";
import type { Direction } from "./order";
import { ChoiceField, NumberField, TextField } from "./fields";
import { fieldFindings } from "./findings";

interface Props {
  feature: FeatureDto;
  objective: number;
  index: number;
  /** How many features the objective has (for the move buttons). */
  count: number;
  findings: FindingDto[];
  statuses: string[];
  onChange: (f: FeatureDto) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1, direction: Direction) => void;
  /** How the feature differs from Targetprocess at the last sync, if it does. */
  syncChange?: SyncChangeDto;
}

function Criteria({ feature, onChange }: { feature: FeatureDto; onChange: (f: FeatureDto) => void }) {
  const set = (i: number, patch: Partial<FeatureDto["acceptanceCriteria"][number]>) =>
    onChange({
      ...feature,
      acceptanceCriteria: feature.acceptanceCriteria.map((c, j) => (j === i ? { ...c, ...patch } : c)),
    });
  return (
    <Stack gap={6} role="group" aria-label="Acceptance criteria">
      <Text size="sm" fw={500}>
        Acceptance criteria
      </Text>
      {feature.acceptanceCriteria.length === 0 && (
        <Text size="sm" c="dimmed">
          No acceptance criteria yet.
        </Text>
      )}
      {feature.acceptanceCriteria.map((c, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          <Checkbox
            aria-label={`Criterion ${i + 1} met`}
            checked={c.done}
            onChange={(e) => set(i, { done: e.currentTarget.checked })}
          />
          <TextInput
            aria-label={`Criterion ${i + 1}`}
            value={c.text}
            onChange={(e) => set(i, { text: e.currentTarget.value })}
            style={{ flex: 1 }}
            size="xs"
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Remove criterion ${i + 1}`}
            onClick={() =>
              onChange({ ...feature, acceptanceCriteria: feature.acceptanceCriteria.filter((_, j) => j !== i) })
            }
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Button
        size="xs"
        variant="subtle"
        style={{ alignSelf: "flex-start" }}
        onClick={() => onChange({ ...feature, acceptanceCriteria: [...feature.acceptanceCriteria, { text: "", done: false }] })}
      >
        Add criterion
      </Button>
    </Stack>
  );
}

export function FeatureCard({ feature, objective, index, count, findings, statuses, onChange, onRemove, onMove, syncChange }: Props) {
  const at = (field: string) => fieldFindings(findings, objective, index, field);
  const set = (patch: Partial<FeatureDto>) => onChange({ ...feature, ...patch });
  return (
    <Card withBorder padding="md" component="section" aria-label={`Feature ${feature.name || index + 1}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Badge variant="light" color={feature.kind === "epic" ? "violet" : "blue"}>
              {feature.kind}
            </Badge>
            <Text size="xs" c="dimmed">
              {feature.id ?? "not saved yet"}
            </Text>
            <SyncBadge change={syncChange} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <MoveButtons what="feature" index={index} length={count} id={`feature-${index}`} onMove={onMove} />
            <Button size="xs" variant="subtle" color="red" onClick={onRemove}>
              Remove feature
            </Button>
          </Group>
        </Group>
        <TextField label="Feature name" value={feature.name} onChange={(v) => set({ name: v ?? "" })} findings={at("name")} required />
        <SimpleGrid cols={3} spacing="sm">
          <ChoiceField
            label="Feature status"
            value={feature.status}
            options={statuses.map((s) => ({ value: s, label: s }))}
            onChange={(v) => set({ status: v })}
            findings={at("status")}
          />
          <NumberField label="Feature effort" suffix=" pts" value={feature.effort} onChange={(v) => set({ effort: v })} findings={at("effort")} />
          <TextField label="Feature owner" value={feature.owner} onChange={(v) => set({ owner: v })} findings={at("owner")} />
        </SimpleGrid>
        <Group gap="sm" align="flex-end">
          <SegmentedControl
            aria-label="Kind"
            size="xs"
            value={feature.kind}
            onChange={(v) => set({ kind: v === "epic" ? "epic" : "feature" })}
            data={[
              { label: "Feature", value: "feature" },
              { label: "Epic", value: "epic" },
            ]}
          />
          <TextField label="Jira key" placeholder="ABC-123" value={feature.jiraKey} onChange={(v) => set({ jiraKey: v })} findings={at("jira")} />
          {feature.jiraBrowseUrl && feature.jiraKey && (
            <Text size="sm" pb={8} c="dimmed">
              Opens at <Code>{feature.jiraBrowseUrl}</Code>
            </Text>
          )}
        </Group>
        <Textarea
          label="Feature description"
          autosize
          minRows={2}
          maxRows={8}
          value={feature.description}
          onChange={(e) => set({ description: e.currentTarget.value })}
        />
        <Criteria feature={feature} onChange={onChange} />
        {at("acceptance_criteria").warning && (
          <Text size="xs" c="orange.8" role="note">
            {at("acceptance_criteria").warning}
          </Text>
        )}
        {at("acceptance_criteria").error && (
          <Text size="xs" c="red" role="alert">
            {at("acceptance_criteria").error}
          </Text>
        )}
        {feature.stories.length > 0 && (
          <Text size="xs" c="dimmed">
            {feature.stories.length} Jira stor{feature.stories.length === 1 ? "y" : "ies"} (read-only)
          </Text>
        )}
      </Stack>
    </Card>
  );
}
