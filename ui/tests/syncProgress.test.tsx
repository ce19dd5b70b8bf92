// The sync's progress line: each step the engine reports, in planner words, and a bar that only
// moves forward through a push.
import { MantineProvider } from "@mantine/core";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { ProgressDto } from "../src/ipc";
import { SyncProgress, progressPercent, progressWords } from "../src/sync/SyncProgress";

const show = (progress: ProgressDto | null) => (
  <MantineProvider>
    <SyncProgress progress={progress} waiting="Connecting to Targetprocess…" testId="progress" />
  </MantineProvider>
);

describe("sync progress", () => {
  it("words each step of a push as it arrives, batches counted against the whole push", () => {
    const { rerender } = render(show(null));
    const line = () => screen.getByRole("status").textContent;
    expect(line()).toBe("Connecting to Targetprocess…");
    const steps: [ProgressDto, string][] = [
      [{ step: "readingPlan" }, "Reading your plan…"],
      [{ step: "fetching" }, "Reading the team's plan from Targetprocess…"],
      [{ step: "sent", sent: 3, total: 12 }, "Sent 3 of 12 changes…"],
      [{ step: "sent", sent: 11, total: 12 }, "Sent 11 of 12 changes…"],
      [{ step: "sent", sent: 12, total: 12 }, "Sent 12 changes to Targetprocess"],
      [{ step: "committing" }, "Saving the result in the plan's history…"],
      [{ step: "publishing" }, "Sharing the plan with your team…"],
    ];
    for (const [step, words] of steps) {
      rerender(show(step));
      expect(line()).toBe(words);
    }
  });

  it("words a pull's steps and a single change", () => {
    expect(progressWords({ step: "merging" })).toBe("Merging Targetprocess's changes into your plan…");
    expect(progressWords({ step: "sent", sent: 1, total: 1 })).toBe("Sent 1 change to Targetprocess");
  });

  it("moves the bar forward only, sending filling the middle", () => {
    const order: ProgressDto[] = [
      { step: "readingPlan" },
      { step: "fetching" },
      { step: "merging" },
      { step: "sent", sent: 1, total: 4 },
      { step: "sent", sent: 4, total: 4 },
      { step: "committing" },
      { step: "publishing" },
    ];
    const values = order.map(progressPercent);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(Math.max(...values)).toBeLessThan(100);
  });
});
