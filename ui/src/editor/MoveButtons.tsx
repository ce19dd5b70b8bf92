// "Move up" / "Move down" buttons of an objective or a feature: real buttons (Tab, Enter,
// Space), labelled with what they move, disabled at the ends of the list.
import { ActionIcon, Group } from "@mantine/core";
import { useEffect, useRef } from "react";

import { canMove, type Direction } from "./order";

interface Props {
  /** What moves, for the labels: "objective", "feature". */
  what: string;
  index: number;
  length: number;
  /** Identifies the buttons (`data-move="<id>-up"`) so focus can return to them after a move. */
  id: string;
  disabled?: boolean;
  hint?: string;
  onMove: (delta: -1 | 1, direction: Direction) => void;
}

export function MoveButtons({ what, index, length, id, disabled, hint, onMove }: Props) {
  const button = (direction: Direction, delta: -1 | 1, glyph: string) => (
    <ActionIcon
      variant="default"
      size="md"
      aria-label={`Move ${what} ${direction}`}
      title={hint ?? `Move this ${what} ${direction} in the plan`}
      data-move={`${id}-${direction}`}
      disabled={disabled || !canMove(length, index, delta)}
      onClick={() => onMove(delta, direction)}
    >
      <span aria-hidden="true">{glyph}</span>
    </ActionIcon>
  );
  return (
    <Group gap={4} wrap="nowrap" role="group" aria-label={`Order of this ${what}`}>
      {button("up", -1, "↑")}
      {button("down", 1, "↓")}
    </Group>
  );
}

/** Focuses a move button by its `data-move` value once it is rendered and enabled (the list is
 * re-rendered after a save); gives up after a few frames. */
export function focusMoveButton(value: string, frames = 20) {
  const el = document.querySelector<HTMLButtonElement>(`[data-move="${value}"]`);
  if (el && !el.disabled) {
    el.focus();
    return;
  }
  if (frames > 0) requestAnimationFrame(() => focusMoveButton(value, frames - 1));
}

/** A setter for the move button to focus once the next render is on screen (after a move the
 * list is re-rendered, and a form may be replaced, so focusing right away would be lost). With
 * `dataVersion`, focus waits until the plan data has changed from the version at the call (a
 * saved move replaces the form when the saved plan arrives). */
export function useFocusAfterMove(dataVersion = 0): (value: string) => void {
  const target = useRef<{ value: string; from: number } | null>(null);
  // After every render: the move itself always causes one (new order or new selection).
  useEffect(() => {
    const t = target.current;
    if (t === null || (dataVersion !== 0 && dataVersion === t.from)) return;
    target.current = null;
    focusMoveButton(t.value);
  });
  return (value: string) => {
    target.current = { value, from: dataVersion };
  };
}
