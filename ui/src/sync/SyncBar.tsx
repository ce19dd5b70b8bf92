// Pull and Push with their progress, the push preview (in planner words) with its confirmation,
// the result summary, "Targetprocess changed since your last pull" with a pull offered,
// deletions that need an explicit confirm, and the ways out of a push that did not go through
// (refused changes, an interrupted push, a failure to retry), and "Push anyway…" with a recorded
// reason for a push the plan's validation errors stopped.
import { Alert, Badge, Button, Checkbox, Group, List, Loader, Modal, Stack, Text } from "@mantine/core";
import { useRef, useState, type ReactNode } from "react";

import { ErrorAlert } from "../ErrorAlert";
import { ClientError, type ProgressDto, type PullResultDto, type PushOutcomeDto } from "../ipc";
import { changes } from "../plural";
import { usePull, usePush, usePushPreview, useResume, useSyncStatus } from "./hooks";
import { OpList } from "./OpList";
import { useSetNotices } from "./PlanNotices";
import { LiveIndicator, useLiveStatus } from "./Live";
import { Review } from "./Review";
import { usePushOverride } from "../approvals/hooks";
import { PushAnyway } from "./PushAnyway";
import { InterruptedPush, NextStep, RefusedChanges } from "./Recovery";
import { SyncProgress } from "./SyncProgress";
import { useSetPushGate } from "./pushGate";

function PullSummary({ result }: { result: PullResultDto }) {
  if (result.conflicts.length > 0) return null;
  if (result.fromTp.length === 0)
    return <Text size="sm">{result.tpChanged ? "Targetprocess changes merged." : "Targetprocess had no changes."}</Text>;
  return (
    <Stack gap={4}>
      <Text size="sm">Brought in from Targetprocess:</Text>
      <List size="sm">
        {result.fromTp.map((c) => (
          <List.Item key={c}>{c}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

function PushResult({
  outcome,
  onPull,
  pushAnyway,
}: {
  outcome: PushOutcomeDto;
  onPull: () => void;
  /** "Push anyway…" under a push the validation errors stopped. */
  pushAnyway?: ReactNode;
}) {
  switch (outcome.kind) {
    case "pushed": {
      const { sent, refused } = outcome.summary;
      // A push with refused changes is one result, with the ways out: RefusedChanges below.
      if (refused.length > 0) return null;
      return (
        <Alert color="green" title={`Pushed ${changes(sent.length)} to Targetprocess`} data-testid="push-result">
          <OpList ops={sent} testId="push-sent" />
        </Alert>
      );
    }
    case "remoteChanged":
      return (
        <Alert color="orange" title="Targetprocess changed since your last pull" data-testid="push-result">
          <List size="sm">
            {outcome.stale.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
          <Button size="xs" mt="sm" onClick={onPull}>
            Pull now
          </Button>
        </Alert>
      );
    case "blocked":
      return (
        <Alert color="orange" title="Resolve the conflicts first" data-testid="push-result">
          {outcome.conflicts === 1 ? "1 conflict is open." : `${outcome.conflicts} conflicts are open.`}
        </Alert>
      );
    case "blockedByValidation":
      return (
        <Alert color="red" title="Not pushed: the plan has errors to fix first" data-testid="push-result">
          {outcome.findings.length === 1
            ? "1 error stops the push. It is marked at its field below."
            : `${outcome.findings.length} errors stop the push. Each is marked at its field below.`}{" "}
          Nothing was sent to Targetprocess.
          {pushAnyway && <div>{pushAnyway}</div>}
        </Alert>
      );
    case "nothingToPush":
      return <Text size="sm" data-testid="push-result">Nothing to push: Targetprocess already has your plan.</Text>;
    default:
      return null;
  }
}

/** The preview dialog: what will be sent, a confirmation for deletions, then Push. Push has the
 * focus (Enter pushes, Escape cancels); while sending it says so, with the progress. */
function PushDialog({
  outcome,
  pushing,
  progress,
  onPush,
  onClose,
}: {
  outcome: PushOutcomeDto | null;
  pushing: boolean;
  progress: ProgressDto | null;
  onPush: (confirmDeletes: boolean) => void;
  onClose: () => void;
}) {
  const [deletesOk, setDeletesOk] = useState(false);
  const ops = outcome && (outcome.kind === "preview" || outcome.kind === "needsConfirmation") ? outcome.ops : [];
  const deletes = ops.some((o) => o.delete);
  return (
    <Modal
      opened={ops.length > 0 || pushing}
      onClose={() => !pushing && onClose()}
      title="Push to Targetprocess"
      size="lg"
      trapFocus
      returnFocus={false}
      closeOnEscape={!pushing}
      closeOnClickOutside={!pushing}
      withCloseButton={!pushing}
      closeButtonProps={{ "aria-label": "Close without pushing", tabIndex: -1 }}
    >
      <Stack>
        <Text size="sm">
          {ops.length === 1 ? "This change" : `These ${ops.length} changes`} will be written to Targetprocess:
        </Text>
        <OpList ops={ops} />
        {deletes && (
          <Checkbox
            color="red"
            label="Yes, delete these items in Targetprocess"
            checked={deletesOk}
            onChange={(e) => setDeletesOk(e.currentTarget.checked)}
            disabled={pushing}
            data-autofocus
          />
        )}
        {pushing && <SyncProgress progress={progress} waiting="Connecting to Targetprocess…" testId="push-dialog-progress" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pushing}>
            Cancel
          </Button>
          <Button
            onClick={() => onPush(deletesOk)}
            disabled={pushing || (deletes && !deletesOk)}
            leftSection={pushing ? <Loader size={14} color="white" aria-hidden /> : null}
            data-autofocus={deletes ? undefined : true}
            data-testid="push-confirm"
          >
            {pushing ? "Pushing…" : `Push ${changes(ops.length)}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function SyncBar({
  onConflicts,
  onSignoff,
  onChecks,
}: {
  onConflicts: () => void;
  onSignoff?: () => void;
  /** Opens the plan's change report, check against Targetprocess and undo of the last push. */
  onChecks?: () => void;
}) {
  const status = useSyncStatus();
  const live = useLiveStatus();
  const pull = usePull();
  const preview = usePushPreview();
  const push = usePush();
  const resume = useResume();
  const override = usePushOverride();
  const [shown, setShown] = useState<"pull" | "push" | "resume" | "override" | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const setNotices = useSetNotices();
  const setPushGate = useSetPushGate();
  // Push… shows a loader (and is disabled) while the preview loads, which takes its focus away;
  // closing the dialog gives the focus back to it explicitly.
  const pushButton = useRef<HTMLButtonElement>(null);
  const conflicts = status.data?.conflicts ?? 0;
  const refused = status.data?.refused ?? [];
  const unfinished = status.data?.unfinishedPush ?? 0;
  const busy = pull.isPending || push.isPending || resume.isPending || override.isPending;
  const progress =
    (pull.isPending && pull.progress) ||
    (push.isPending && push.progress) ||
    (resume.isPending && resume.progress) ||
    (override.isPending && override.progress) ||
    null;

  const doPull = async () => {
    setShown("pull");
    const r = await pull.mutateAsync().catch(() => null);
    if (r) setNotices(r.notices);
    if (r && r.conflicts.length > 0) onConflicts();
  };
  const doPreview = async () => {
    setShown(null);
    const p = await preview.mutateAsync().catch(() => null);
    if (p && p.kind !== "preview" && p.kind !== "needsConfirmation") setShown("push");
  };
  const doPush = async (confirmDeletes: boolean) => {
    setShown("push");
    setConfirmed(confirmDeletes);
    const outcome = await push.mutateAsync(confirmDeletes).catch(() => null);
    setPushGate(outcome?.kind === "blockedByValidation" ? outcome.findings : []);
    preview.reset();
  };
  const doOverride = async (reason: string) => {
    setShown("override");
    const outcome = await override.mutateAsync({ reason, confirmDeletes: confirmed }).catch(() => null);
    setPushGate(outcome?.kind === "blockedByValidation" ? outcome.findings : []);
  };
  const doResume = async () => {
    setShown("resume");
    await resume.mutateAsync().catch(() => null);
  };

  return (
    <Stack gap="xs" data-testid="sync-bar">
      <Group gap="sm">
        <Button size="xs" variant="default" onClick={doPull} loading={pull.isPending} disabled={busy}>
          Pull
        </Button>
        <Button
          ref={pushButton}
          size="xs"
          onClick={doPreview}
          loading={preview.isPending || push.isPending}
          disabled={busy || conflicts > 0}
        >
          Push…
        </Button>
        {conflicts > 0 && (
          <Badge color="red" component="button" onClick={onConflicts} style={{ cursor: "pointer" }}>
            {conflicts === 1 ? "1 conflict" : `${conflicts} conflicts`}
          </Badge>
        )}
        {status.data && status.data.localChanges > 0 && conflicts === 0 && (
          <Badge variant="light" data-testid="changes-to-push">
            {changes(status.data.localChanges)} to push
          </Badge>
        )}
        <LiveIndicator status={live.data} />
        {onChecks && (
          <Button size="xs" variant="subtle" onClick={onChecks} disabled={busy}>
            Report and checks
          </Button>
        )}
      </Group>
      <Review busy={busy} />
      {progress && <SyncProgress progress={progress} waiting="" testId="sync-progress" />}
      {shown === "pull" && pull.data && <PullSummary result={pull.data} />}
      {shown === "pull" && <ErrorAlert error={pull.error} title="Pull failed" />}
      {shown === "pull" && <NextStep error={pull.error} onRetry={doPull} onResume={doResume} busy={busy} />}
      {shown === "push" && (push.data ?? preview.data) && (
        <PushResult
          outcome={(push.data ?? preview.data) as PushOutcomeDto}
          onPull={doPull}
          pushAnyway={<PushAnyway onPush={(reason) => void doOverride(reason)} busy={busy} />}
        />
      )}
      {shown === "override" && override.data && <PushResult outcome={override.data} onPull={doPull} />}
      {shown === "override" && override.data?.kind === "pushed" && (
        <Text size="sm" data-testid="override-recorded">
          Pushed anyway: your reason is kept in the audit trail.
        </Text>
      )}
      {shown === "override" && <ErrorAlert error={override.error} title="Push failed" />}
      {shown === "push" && <ErrorAlert error={push.error} title="Push failed" />}
      {shown === "push" && <NextStep error={push.error} onRetry={() => doPush(confirmed)} onResume={doResume} busy={busy} />}
      {shown === "resume" && resume.data && <PushResult outcome={resume.data} onPull={doPull} />}
      {shown === "resume" && <ErrorAlert error={resume.error} title="The interrupted push is not finished" />}
      {shown === "resume" && <NextStep error={resume.error} onRetry={doResume} onResume={doResume} busy={busy} />}
      {!(shown === "pull" && pull.error instanceof ClientError && pull.error.code === "interrupted_push") && (
        <InterruptedPush left={unfinished} onResume={doResume} busy={resume.isPending} />
      )}
      <RefusedChanges
        refused={refused}
        sent={shown === "push" && push.data?.kind === "pushed" ? push.data.summary.sent : undefined}
        onRetry={doPreview}
        busy={busy}
      />
      {shown === "push" && onSignoff && push.error instanceof ClientError && push.error.code === "not_approved" && (
        <Button size="xs" variant="light" color="orange" onClick={onSignoff} style={{ alignSelf: "flex-start" }}>
          Open the sign-off panel
        </Button>
      )}
      <ErrorAlert error={preview.error} title="Push preview failed" />
      <NextStep error={preview.error} onRetry={doPreview} onResume={doResume} busy={busy} />
      <PushDialog
        outcome={preview.data ?? null}
        pushing={push.isPending}
        progress={push.progress}
        onPush={doPush}
        onClose={() => {
          preview.reset();
          pushButton.current?.focus();
        }}
      />
    </Stack>
  );
}
