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
import { CreateStories } from "../jira/CreateStories";
import type { FeatureDto, FindingDto, SyncChangeDto } from "../ipc";
import { MoveButtons } from "./MoveButtons";
import type { Direction } from "./order";
import { ChoiceField, NumberField, OwnerField, TextField } from "./fields";
import { fieldFindings } from "./findings";
import { notInTargetprocess } from "./order";
import { Stories, points, storyPoints } from "./Stories";

interface Props {
  feature: FeatureDto;
  objective: number;
  index: number;
  /** How many features the objective has (for the move buttons). */
  count: number;
  findings: FindingDto[];
  statuses: string[];
  /** The account's Targetprocess users (owner names). */
  users: string[];
  /** What the form refuses to save at this feature's `name`, `effort`, `owner` or `c0`, `c1`… */
  problem: (key: string) => string | null;
  /** Text typed into a number field that is not a number (or `null` once it is). */
  onTypedProblem: (key: string, problem: string | null) => void;
  /** The planner left criterion `j` (its problem shows from then on). */
  onLeftCriterion: (j: number) => void;
  /** Criterion `j` was just added. */
  onAddedCriterion: (j: number) => void;
  onChange: (f: FeatureDto) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1, direction: Direction) => void;
  /** How the feature differs from Targetprocess at the last sync, if it does. */
  syncChange?: SyncChangeDto;
}

function Criteria({
  feature,
  index,
  onChange,
  problem,
  onLeft,
  onAdded,
}: {
  feature: FeatureDto;
  index: number;
  onChange: (f: FeatureDto) => void;
  problem: (key: string) => string | null;
  onLeft: (j: number) => void;
  onAdded: (j: number) => void;
}) {
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
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
          <Checkbox
            aria-label={`Criterion ${i + 1} met`}
            checked={c.done}
            onChange={(e) => set(i, { done: e.currentTarget.checked })}
          />
          <TextInput
            id={`feature-${index}-criterion-${i}`}
            aria-label={`Criterion ${i + 1}`}
            value={c.text}
            onChange={(e) => set(i, { text: e.currentTarget.value })}
            onBlur={() => onLeft(i)}
            error={problem(`c${i}`)}
            style={{ flex: 1 }}
            size="xs"
          />
          <ActionIcon
            variant="subtle"
            color="red"
            className="pi-danger"
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
        onClick={() => {
          onChange({ ...feature, acceptanceCriteria: [...feature.acceptanceCriteria, { text: "", done: false }] });
          onAdded(feature.acceptanceCriteria.length);
        }}
      >
        Add criterion
      </Button>
    </Stack>
  );
}

export function FeatureCard(props: Props) {
  const { feature, objective, index, count, findings, statuses, users, problem, onTypedProblem, onChange, onRemove, onMove, syncChange } = props;
  const at = (field: string) => fieldFindings(findings, objective, index, field);
  const set = (patch: Partial<FeatureDto>) => onChange({ ...feature, ...patch });
  const storiesPoints = storyPoints(feature.stories);
  return (
    <Card withBorder padding="md" component="section" aria-label={`Feature ${feature.name || index + 1}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Badge variant="light" color={feature.kind === "epic" ? "violet" : "blue"}>
              {feature.kind}
            </Badge>
            {!feature.id ? (
              <Text size="xs" c="dimmed">
                not saved yet
              </Text>
            ) : (
              notInTargetprocess(feature.id) && (
                <Text size="xs" c="dimmed" data-testid="not-in-tp">
                  not in Targetprocess yet
                </Text>
              )
            )}
            <SyncBadge change={syncChange} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <MoveButtons what="feature" index={index} length={count} id={`feature-${index}`} onMove={onMove} />
            <Button size="xs" variant="subtle" color="red" className="pi-danger" onClick={onRemove}>
              Remove feature
            </Button>
          </Group>
        </Group>
        <TextField
          id={`feature-${index}-name`}
          label="Feature name"
          value={feature.name}
          onChange={(v) => set({ name: v ?? "" })}
          findings={at("name")}
          problem={problem("name")}
          required
        />
        <SimpleGrid cols={{ base: 2, md: 3 }} spacing="sm">
          <ChoiceField
            label="Feature status"
            value={feature.status}
            options={statuses.map((s) => ({ value: s, label: s }))}
            onChange={(v) => set({ status: v })}
            findings={at("status")}
          />
          <NumberField
            label="Feature effort"
            suffix=" pts"
            value={feature.effort}
            onChange={(v) => set({ effort: v })}
            onProblem={(p) => onTypedProblem("effort", p)}
            findings={at("effort")}
            problem={problem("effort")}
            description={storiesPoints === null ? undefined : `Stories: ${points(storiesPoints)}`}
          />
          <OwnerField
            label="Feature owner"
            value={feature.owner}
            users={users}
            onChange={(v) => set({ owner: v })}
            findings={at("owner")}
            problem={problem("owner")}
          />
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
        <Criteria
          feature={feature}
          index={index}
          onChange={onChange}
          problem={problem}
          onLeft={props.onLeftCriterion}
          onAdded={props.onAddedCriterion}
        />
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
        <CreateStories feature={feature} />
        <Stories stories={feature.stories} />
      </Stack>
    </Card>
  );
}
