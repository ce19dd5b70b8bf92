// The sign-off panel: the change a push would send (in planner words, as the push preview shows
// it), the progress against the plan's approval policy, each approval with who, when, the
// comment and the signature, stale approvals struck through, Approve with an optional comment
// (or why this planner cannot), and "Override and push" with a required reason.
import {
  Alert,
  Badge,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useState } from "react";

import { ErrorAlert } from "../ErrorAlert";
import type { ApprovalDto, ApprovalsStatusDto, PushOutcomeDto } from "../ipc";
import { changes } from "../plural";
import { OpList } from "../sync/OpList";
import { progressWords } from "../sync/SyncProgress";
import { useApprovalsStatus, useApprove, usePushOverride } from "./hooks";

/** "24 Nov 2026, 09:15" in the planner's locale; the raw text when it is not a time. */
export function when(at: string): string {
  const t = new Date(at);
  return Number.isNaN(t.getTime()) ? at : t.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function SignatureBadge({ a }: { a: ApprovalDto }) {
  if (a.signature === "verified")
    return (
      <Badge color="teal" variant="light" title={a.signer ?? undefined}>
        Signed
      </Badge>
    );
  if (a.signature === "invalid")
    return (
      <Badge color="red" variant="light">
        Invalid signature
      </Badge>
    );
  return (
    <Badge color="gray" variant="light">
      Unsigned
    </Badge>
  );
}

function ApprovalRow({ a }: { a: ApprovalDto }) {
  const stale = a.standing === "stale";
  const counts = a.standing === "valid";
  return (
    <Paper withBorder p="sm" data-testid="approval" data-standing={a.standing}>
      <Stack gap={4}>
        <Group gap="xs" justify="space-between" wrap="nowrap">
          <Text size="sm" fw={500} td={stale ? "line-through" : undefined} c={counts ? undefined : "dimmed"}>
            {a.name} &lt;{a.email}&gt;{a.role ? `, ${a.role}` : ""}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <SignatureBadge a={a} />
            {counts ? (
              <Badge color="green">Counts</Badge>
            ) : (
              <Badge color={stale ? "orange" : "red"} variant="outline">
                {stale ? "Stale" : "Not counted"}
              </Badge>
            )}
          </Group>
        </Group>
        <Text size="xs" c="dimmed">
          {when(a.at)}
          {a.signature === "verified" && a.signer ? ` · signed by ${a.signer}` : ""}
        </Text>
        {a.comment && (
          <Text size="sm" fs="italic" td={stale ? "line-through" : undefined}>
            “{a.comment}”
          </Text>
        )}
        {stale && (
          <Text size="sm" c="orange" data-testid="stale-notice">
            Stale — the plan changed since this approval; it no longer counts.
          </Text>
        )}
        {a.why && !stale && (
          <Text size="sm" c="red">
            {a.why}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

type OverridePush = ReturnType<typeof usePushOverride>;

/** What the override push did; shown after the form is gone (the change was sent). */
function OverrideResult({ push }: { push: OverridePush }) {
  const outcome: PushOutcomeDto | undefined = push.data;
  return (
    <>
      <ErrorAlert error={push.error} title="Push failed" />
      {outcome?.kind === "pushed" && (
        <Alert color="green" title="Pushed to Targetprocess" data-testid="override-result">
          {changes(outcome.summary.sent.length)} sent; the override is recorded in the audit trail.
        </Alert>
      )}
      {outcome?.kind === "remoteChanged" && (
        <Alert color="orange" title="Targetprocess changed since your last pull">
          Pull first, then push again.
        </Alert>
      )}
    </>
  );
}

function OverrideForm({ status, push }: { status: ApprovalsStatusDto; push: OverridePush }) {
  const [reason, setReason] = useState("");
  const [deletesOk, setDeletesOk] = useState(false);
  const deletes = status.ops.some((o) => o.delete);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          Override and push
        </Title>
        <Text size="sm" c="dimmed">
          Pushes without the missing approvals. Who overrode, when and why is kept in the audit trail.
        </Text>
        <TextInput
          label="Reason for pushing without the approvals"
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {deletes && (
          <Checkbox
            color="red"
            label="Yes, delete these items in Targetprocess"
            checked={deletesOk}
            onChange={(e) => setDeletesOk(e.currentTarget.checked)}
          />
        )}
        <Group>
          <Button
            color="orange"
            disabled={!reason.trim() || (deletes && !deletesOk)}
            loading={push.isPending}
            onClick={() => push.mutate({ reason, confirmDeletes: deletesOk })}
          >
            Override and push
          </Button>
          {push.isPending && push.progress && (
            <Text size="xs" c="dimmed">
              {progressWords(push.progress)}
            </Text>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

export function SignoffBody({ status }: { status: ApprovalsStatusDto }) {
  const approve = useApprove();
  const push = usePushOverride();
  const [comment, setComment] = useState("");
  const gated = status.required > 0;
  const nothing = status.ops.length === 0;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Title order={2} size="h4">
          Sign-off before push
        </Title>
        <Badge size="lg" color={!gated ? "gray" : status.met ? "green" : "orange"} data-testid="signoff-progress">
          {status.progress}
        </Badge>
      </Group>
      {gated && !nothing && (
        <Progress value={Math.min(100, (status.valid / status.required) * 100)} color={status.met ? "green" : "orange"} aria-label="Approvals" />
      )}
      {!gated && (
        <Text size="sm" c="dimmed">
          No sign-off is required for this plan: anyone can push. Your team can ask for approvals in the plan's settings
          file (see the user guide).
        </Text>
      )}
      <Paper withBorder p="md">
        <Stack gap="xs">
          <Title order={3} size="h5">
            The change a push would send
          </Title>
          {nothing ? (
            <Text size="sm" c="dimmed">
              Nothing to sign off: the plan matches Targetprocess.
            </Text>
          ) : (
            <>
              <OpList ops={status.ops} testId="signoff-ops" />
              <Text size="xs" c="dimmed">
                Approvals are for exactly this change: any edit or pull makes them stale.
              </Text>
            </>
          )}
          {status.authors.length > 0 && (
            <Text size="xs" c="dimmed">
              Changed by: {status.authors.join(", ")}
            </Text>
          )}
        </Stack>
      </Paper>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Approvals ({status.approvals.length})
        </Title>
        {status.approvals.length === 0 && (
          <Text size="sm" c="dimmed">
            No one has approved yet.
          </Text>
        )}
        {[...status.approvals].reverse().map((a, i) => (
          <ApprovalRow key={`${a.email}-${a.at}-${i}`} a={a} />
        ))}
      </Stack>
      {!nothing && (
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Textarea
              label="Comment (optional)"
              autosize
              minRows={2}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              disabled={!!status.approveBlocked}
            />
            <Group>
              <Button
                onClick={async () => {
                  await approve.mutateAsync(comment).catch(() => null);
                  setComment("");
                }}
                loading={approve.isPending}
                disabled={!!status.approveBlocked}
              >
                Approve
              </Button>
              {status.approveBlocked && (
                <Text size="sm" c="dimmed" data-testid="approve-blocked">
                  {status.approveBlocked}
                </Text>
              )}
            </Group>
            <ErrorAlert error={approve.error} title="Not approved" />
          </Stack>
        </Paper>
      )}
      {status.canOverride && <OverrideForm status={status} push={push} />}
      <OverrideResult push={push} />
    </Stack>
  );
}

export function SignoffPanel({ onDone }: { onDone: () => void }) {
  const status = useApprovalsStatus();
  return (
    <Stack gap="md" data-testid="signoff-panel">
      <Group>
        <Button size="xs" variant="default" onClick={onDone}>
          Back to the plan
        </Button>
      </Group>
      {status.isPending && (
        <Center h={120}>
          <Loader aria-label="Loading the sign-off" />
        </Center>
      )}
      <ErrorAlert error={status.error} title="The sign-off could not be read" />
      {status.data && <SignoffBody status={status.data} />}
    </Stack>
  );
}
