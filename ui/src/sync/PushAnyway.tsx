// "Push anyway…" for a push the push gate stopped (the plan's validation errors, `[validation]
// block_push`): the planner gives a reason, and the push goes with it as `tpcli plan push
// --override REASON` sends it (the same engine call), the reason recorded in the audit trail.
import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";

export function PushAnyway({ onPush, busy }: { onPush: (reason: string) => void; busy: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const close = () => setOpen(false);
  return (
    <>
      <Button size="xs" mt="sm" variant="light" color="red" onClick={() => setOpen(true)} disabled={busy}>
        Push anyway…
      </Button>
      <Modal opened={open} onClose={close} title="Push anyway" trapFocus returnFocus={false}>
        <Stack>
          <Text size="sm">
            Your changes go to Targetprocess with the errors still in the plan. Say why: the reason is kept in the
            audit trail with your name, as an override.
          </Text>
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="red"
              disabled={reason.trim() === ""}
              onClick={() => {
                close();
                onPush(reason.trim());
              }}
            >
              Push anyway
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
