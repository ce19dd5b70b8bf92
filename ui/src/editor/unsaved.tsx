// Unsaved edits are never thrown away without asking: the editor registers its unsaved edits
// here, and every way out of them (another objective, History, Sign-off, Audit, Change team,
// Settings, closing the window) goes through `guard`, which asks Save / Discard / Cancel first.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

/** Unsaved edits the editor holds. */
export interface UnsavedEdits {
  /** What they are about, e.g. `the objective "Sign-up"`. */
  what: string;
  /** Saves them; false when they could not be saved (the form shows why). */
  save(): Promise<boolean>;
  discard(): void;
}

interface Guard {
  register(edits: UnsavedEdits | null): void;
  guard(action: () => void): void;
  /** The unsaved edits held now, if any. */
  pending(): UnsavedEdits | null;
}

const GuardContext = createContext<Guard | null>(null);

/** Runs `action` now when nothing is unsaved, else after the planner saved or discarded. */
export function useUnsavedGuard(): (action: () => void) => void {
  const ctx = useContext(GuardContext);
  return ctx?.guard ?? ((action) => action());
}

/** The unsaved edits held now (read when needed, e.g. when the plan file changed meanwhile). */
export function usePendingEdits(): () => UnsavedEdits | null {
  const ctx = useContext(GuardContext);
  return ctx?.pending ?? (() => null);
}

/** Registers `edits` (or none) while the calling component is mounted. */
export function useRegisterUnsaved(edits: UnsavedEdits | null) {
  const ctx = useContext(GuardContext);
  const latest = useRef(edits);
  useEffect(() => {
    latest.current = edits;
  });
  const dirty = edits !== null;
  useEffect(() => {
    if (!ctx) return;
    ctx.register(
      dirty
        ? {
            get what() {
              return latest.current?.what ?? "";
            },
            save: () => latest.current?.save() ?? Promise.resolve(true),
            discard: () => latest.current?.discard(),
          }
        : null,
    );
    return () => ctx.register(null);
  }, [ctx, dirty]);
}

export function UnsavedEditsProvider({ children }: { children: ReactNode }) {
  const pending = useRef<UnsavedEdits | null>(null);
  const [asking, setAsking] = useState<{ action: () => void; what: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const guard = useCallback((action: () => void) => {
    if (pending.current) setAsking({ action, what: pending.current.what });
    else action();
  }, []);
  const ctx = useMemo<Guard>(
    () => ({ register: (e) => (pending.current = e), guard, pending: () => pending.current }),
    [guard],
  );

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (pending.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, []);

  const finish = (go: boolean) => {
    const action = asking?.action;
    setAsking(null);
    if (go) action?.();
  };
  return (
    <GuardContext.Provider value={ctx}>
      {children}
      <Modal opened={asking !== null} onClose={() => finish(false)} title="Save your changes?" centered>
        <Stack gap="md">
          <Text size="sm">
            Your changes to {asking?.what} are not saved yet. Save them before you go on, or
            discard them?
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => finish(false)} disabled={busy}>
              Cancel
            </Button>
            <Button
              variant="default"
              color="red"
              disabled={busy}
              onClick={() => {
                pending.current?.discard();
                pending.current = null;
                finish(true);
              }}
            >
              Discard changes
            </Button>
            <Button
              data-autofocus
              loading={busy}
              onClick={async () => {
                setBusy(true);
                const saved = (await pending.current?.save()) ?? true;
                setBusy(false);
                if (saved) pending.current = null;
                finish(saved);
              }}
            >
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </GuardContext.Provider>
  );
}
