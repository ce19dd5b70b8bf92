// Conflicts of the last pull: each with base / mine / Targetprocess side by side, and keep mine,
// keep theirs, keep both (texts and lists) or a typed value; all at once with one strategy.
import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useRef, useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import type { ConflictDto, SideDto } from "../ipc";
import { useConflicts, useResolve, useResolveAll } from "./hooks";

function Side({ title, side }: { title: string; side: SideDto }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {title}
      </Text>
      <Text size="sm" fs={side.missing ? "italic" : undefined} style={{ whiteSpace: "pre-wrap" }}>
        {side.text}
      </Text>
    </Stack>
  );
}

function ConflictCard({ conflict, focused }: { conflict: ConflictDto; focused: boolean }) {
  const resolve = useResolve();
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focused) card.current?.scrollIntoView?.({ block: "center" });
  }, [focused]);
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const choose = (choice: Parameters<typeof resolve.mutate>[0]["choice"]) =>
    resolve.mutate({ entity: conflict.entity, field: conflict.field, choice });
  return (
    <Card
      ref={card}
      withBorder
      data-testid="conflict"
      data-focused={focused || undefined}
      style={focused ? { borderColor: "var(--mantine-color-blue-filled)", borderWidth: 2 } : undefined}
    >
      <Stack gap="sm">
        <Text fw={600}>
          {conflict.label} of “{conflict.name}”
        </Text>
        <SimpleGrid cols={3}>
          <Side title="Last pull" side={conflict.base} />
          <Side title="Mine" side={conflict.mine} />
          <Side title="Targetprocess" side={conflict.theirs} />
        </SimpleGrid>
        <Group gap="xs">
          <Button size="xs" onClick={() => choose({ kind: "keepMine" })} loading={resolve.isPending}>
            Keep mine
          </Button>
          <Button size="xs" variant="default" onClick={() => choose({ kind: "keepTheirs" })}>
            Keep theirs
          </Button>
          {conflict.canKeepBoth && (
            <Button size="xs" variant="default" onClick={() => choose({ kind: "keepBoth" })}>
              Keep both
            </Button>
          )}
          {conflict.canEdit && (
            <Button size="xs" variant="subtle" onClick={() => setEditing((e) => !e)}>
              Edit…
            </Button>
          )}
        </Group>
        {editing && (
          <Group align="flex-end" gap="xs">
            <TextInput label="New value" value={value} onChange={(e) => setValue(e.currentTarget.value)} />
            <Button size="xs" onClick={() => choose({ kind: "edit", value })}>
              Use this value
            </Button>
          </Group>
        )}
        <ErrorAlert error={resolve.error} />
      </Stack>
    </Card>
  );
}

/** The conflicts; `focus` (a link's conflicting entity) comes first and stands out. */
export function ConflictsView({ onDone, focus }: { onDone: () => void; focus?: string }) {
  const conflicts = useConflicts();
  const all = useResolveAll();
  const data = conflicts.data ?? [];
  const list = focus ? [...data.filter((c) => c.entity === focus), ...data.filter((c) => c.entity !== focus)] : data;
  return (
    <Stack maw={960}>
      <Group justify="space-between">
        <Title order={2} size="h3">
          Conflicts ({list.length})
        </Title>
        <Button variant="default" size="xs" onClick={onDone}>
          Back to the plan
        </Button>
      </Group>
      <ErrorAlert error={conflicts.error} />
      {list.length === 0 && conflicts.isSuccess && (
        <Alert color="green" title="No conflicts" data-testid="no-conflicts">
          Everything is settled; you can push again.
        </Alert>
      )}
      {list.length > 1 && (
        <Group gap="xs">
          <Text size="sm">All at once:</Text>
          <Button size="xs" variant="light" onClick={() => all.mutate({ kind: "keepMine" })}>
            Keep all mine
          </Button>
          <Button size="xs" variant="light" onClick={() => all.mutate({ kind: "keepTheirs" })}>
            Keep all theirs
          </Button>
        </Group>
      )}
      <ErrorAlert error={all.error} />
      {list.map((c) => (
        <ConflictCard key={`${c.entity}:${c.field ?? ""}`} conflict={c} focused={c.entity === focus} />
      ))}
    </Stack>
  );
}
