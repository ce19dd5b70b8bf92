// "New from template": a menu of the plan's objective (or feature) templates from its
// pi-planner.toml; picking one adds the item and saves the plan, as the app validates it.
import { Button, Menu, Text } from "@mantine/core";

import { ErrorAlert } from "../ErrorAlert";
import { useTemplateAdd, useTemplates } from "../approvals/hooks";
import type { PlanView } from "../ipc";

interface Props {
  /** Objective templates, or feature templates added under `objective`. */
  kind: "objective" | "feature";
  objective?: string | null;
  disabled?: boolean;
  /** Why it is disabled, shown as the button's title. */
  disabledWhy?: string;
  onAdded?: (view: PlanView) => void;
}

export function TemplateMenu({ kind, objective = null, disabled, disabledWhy, onAdded }: Props) {
  const templates = useTemplates();
  const add = useTemplateAdd();
  const names = (kind === "objective" ? templates.data?.objectives : templates.data?.features) ?? [];
  const none = templates.isSuccess && names.length === 0;
  return (
    <>
      {/* Opens upwards when there is no room below, and scrolls when neither way has room. */}
      <Menu position="bottom-start" withinPortal hideDetached={false} middlewares={{ flip: true, shift: true, size: true }}>
        <Menu.Target>
          <Button
            size="xs"
            variant="default"
            loading={add.isPending}
            disabled={disabled || none || (kind === "feature" && !objective)}
            title={disabled ? disabledWhy : none ? "This plan's pi-planner.toml has no templates" : undefined}
          >
            New from template
          </Button>
        </Menu.Target>
        <Menu.Dropdown
          aria-label={kind === "objective" ? "Objective templates" : "Feature templates"}
          style={{ overflowY: "auto" }}
          data-testid="template-menu"
        >
          <Menu.Label>{kind === "objective" ? "Objective templates" : "Feature templates"}</Menu.Label>
          {names.map((name) => (
            <Menu.Item
              key={name}
              onClick={async () => {
                const view = await add.mutateAsync({ template: name, objective: kind === "feature" ? objective : null, name: null }).catch(() => null);
                if (view) onAdded?.(view);
              }}
            >
              {name}
            </Menu.Item>
          ))}
          {templates.isPending && <Text size="xs" c="dimmed" px="sm">Loading…</Text>}
        </Menu.Dropdown>
      </Menu>
      <ErrorAlert error={add.error} title="Not added from the template" />
    </>
  );
}
