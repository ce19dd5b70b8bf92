// "Resolve conflicts…" of the train view: a rule (keep the plans' values, Targetprocess's or
// both; optionally one field, kind or team), the conflicts it settles (the app's preview), then
// applying it — one resolution per conflict, in the planner's name.
import { Alert, Button, Group, List, Modal, Select, Stack, Text } from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { useClient } from "../data";
import type { KeepDto, PickItem, TrainResolveDto, TrainResolveRequest } from "../ipc";

const FIELDS = [
  { value: "", label: "Every field" },
  { value: "name", label: "Name" },
  { value: "effort", label: "Effort" },
  { value: "status", label: "Status" },
  { value: "owner", label: "Owner" },
  { value: "description", label: "Description" },
];

export function ResolveDialog({ art, release, teams, onClose }: { art: PickItem; release: PickItem; teams: string[]; onClose: () => void }) {
  const client = useClient();
  const [keep, setKeep] = useState<KeepDto>("remote");
  const [field, setField] = useState("");
  const [kind, setKind] = useState("");
  const [team, setTeam] = useState("");
  const [preview, setPreview] = useState<TrainResolveDto | null>(null);
  const [done, setDone] = useState<TrainResolveDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const req = (): TrainResolveRequest => ({ art, release, keep, field: field || null, kind: kind || null, team: team || null });
  const run = async (apply: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (apply) setDone(await client.trainResolve(req()));
      else setPreview(await client.trainResolvePreview(req()));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const changed = () => {
    setPreview(null);
    setDone(null);
  };
  const shown = done ?? preview;
  return (
    <Modal opened onClose={onClose} title="Resolve conflicts across the train" size="lg">
      <Stack>
        <Select
          label="Keep"
          value={keep}
          allowDeselect={false}
          onChange={(v) => {
            setKeep((v ?? "remote") as KeepDto);
            changed();
          }}
          data={[
            { value: "remote", label: "Targetprocess’s values" },
            { value: "local", label: "The plans’ values" },
            { value: "both", label: "Both (texts and lists only)" },
          ]}
        />
        <Group grow>
          <Select label="Field" value={field} allowDeselect={false} data={FIELDS} onChange={(v) => { setField(v ?? ""); changed(); }} />
          <Select
            label="Items"
            value={kind}
            allowDeselect={false}
            data={[
              { value: "", label: "Objectives and features" },
              { value: "objective", label: "Objectives" },
              { value: "feature", label: "Features" },
            ]}
            onChange={(v) => { setKind(v ?? ""); changed(); }}
          />
          <Select
            label="Team"
            value={team}
            allowDeselect={false}
            data={[{ value: "", label: "Every team" }, ...teams.map((t) => ({ value: t, label: t }))]}
            onChange={(v) => { setTeam(v ?? ""); changed(); }}
          />
        </Group>
        <ErrorAlert error={error} />
        {shown && (
          <Alert color={done ? "green" : "blue"} title={shown.summary} data-testid="train-resolve-summary">
            <List size="sm">
              {shown.conflicts.map((c, i) => (
                <List.Item key={i}>
                  <b>{c.team}</b>: {c.what}
                  {c.error && <Text c="red" size="sm">Not settled: {c.error}</Text>}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {done ? "Close" : "Cancel"}
          </Button>
          {!done && (
            <Button variant="default" loading={busy && !preview} onClick={() => void run(false)}>
              Preview
            </Button>
          )}
          {!done && (
            <Button disabled={!preview || preview.conflicts.length === 0} loading={busy && !!preview} onClick={() => void run(true)}>
              Settle {preview ? preview.conflicts.length : ""} conflicts
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
