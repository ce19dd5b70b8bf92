// The ways out of a push that did not go through, in planner words: each change Targetprocess
// refused with its reason and "Discard this change", "Retry" (push again after fixing it in the
// form), and "Finish the interrupted push" for a push Targetprocess did not confirm in full.
import { Alert, Button, Group, Stack, Text } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import { ClientError, type OpDto, type RefusedDto } from "../ipc";
import { changes } from "../plural";
import { useDiscard } from "./hooks";
import { OpList } from "./OpList";

/** The refused changes the plan still holds, each with "Discard this change"; "Retry" pushes again. */
export function RefusedChanges({
  refused,
  sent,
  onRetry,
  busy,
}: {
  refused: RefusedDto[];
  /** What the push just made accepted, when this follows a push: one result says both. */
  sent?: OpDto[];
  onRetry: () => void;
  busy: boolean;
}) {
  const discard = useDiscard();
  if (refused.length === 0) return null;
  const title =
    sent === undefined
      ? `Targetprocess refused ${changes(refused.length)}`
      : sent.length === 0
        ? `Targetprocess refused ${changes(refused.length)}; nothing else was sent`
        : `Pushed ${changes(sent.length)}; Targetprocess refused ${changes(refused.length)}`;
  return (
    <Alert color="orange" variant="light" title={title} data-testid="refused-changes">
      <Stack gap="sm">
        {sent && sent.length > 0 && (
          <Stack gap={2}>
            <Text size="sm">Targetprocess accepted:</Text>
            <OpList ops={sent} testId="push-sent" />
          </Stack>
        )}
        <Text size="sm">
          Fix it in the form, save and press Retry, or discard the change to keep what Targetprocess has.
        </Text>
        {refused.map((r) => (
          <Group key={`${r.entity}:${r.fields.join(",")}`} justify="space-between" align="flex-start" wrap="nowrap" data-testid="refused-change">
            <Stack gap={2}>
              <Text size="sm" fw={500}>
                {r.change[0]}
              </Text>
              {r.change.slice(1).map((line) => (
                <Text key={line} size="xs" c="dimmed">
                  {line}
                </Text>
              ))}
              <Text size="sm" c="dimmed" data-testid="refused-reason">
                Why: {r.reason}
              </Text>
            </Stack>
            <Button
              size="xs"
              variant="default"
              color="red"
              loading={discard.isPending && discard.variables?.entity === r.entity}
              disabled={busy || discard.isPending}
              onClick={() => discard.mutate({ entity: r.entity, fields: r.fields })}
              title={`Put "${r.name}" back as Targetprocess has it`}
            >
              Discard this change
            </Button>
          </Group>
        ))}
        <Group>
          <Button size="xs" onClick={onRetry} disabled={busy || discard.isPending}>
            Retry
          </Button>
        </Group>
        <ErrorAlert error={discard.error} title="The change was not discarded" />
      </Stack>
    </Alert>
  );
}

/** A push was interrupted: "Finish the interrupted push" completes it. */
export function InterruptedPush({ left, onResume, busy }: { left: number; onResume: () => void; busy: boolean }) {
  if (left === 0) return null;
  return (
    <Alert color="yellow" variant="light" title="A push was interrupted" data-testid="interrupted-push">
      <Text size="sm">
        Targetprocess has not confirmed {changes(left)} of your last push. Finish the push before you pull; your edits are kept.
      </Text>
      <Button size="xs" mt="sm" onClick={onResume} loading={busy} disabled={busy}>
        Finish the interrupted push
      </Button>
    </Alert>
  );
}

/** The next step after a failed pull or push: finish an interrupted push, or retry. */
export function NextStep({
  error,
  onRetry,
  onResume,
  busy,
}: {
  error: unknown;
  onRetry: () => void;
  onResume: () => void;
  busy: boolean;
}) {
  if (!error) return null;
  const interrupted = error instanceof ClientError && error.code === "interrupted_push";
  const waits = error instanceof ClientError && (error.code === "not_approved" || error.code === "approval_refused");
  if (waits) return null;
  return (
    <Group gap="xs" data-testid="next-step">
      {interrupted ? (
        <Button size="xs" onClick={onResume} disabled={busy}>
          Finish the interrupted push
        </Button>
      ) : (
        <Button size="xs" variant="light" onClick={onRetry} disabled={busy}>
          Retry
        </Button>
      )}
    </Group>
  );
}
