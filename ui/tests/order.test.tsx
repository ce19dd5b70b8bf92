import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { focusAfterMove, moved } from "../src/editor/order";
import { openPlanApp } from "./fakeClient";
import { demoPlan } from "./plans";
import { renderApp } from "./render";

const plan = () =>
  demoPlan({ id: 1, name: "Platform ART" }, { id: 11, name: "PI-1/26" }, { id: 101, name: "Platform Eco" });

const listed = () =>
  screen.getAllByTestId("objective-item").map((el) => el.querySelector(".mantine-NavLink-label")?.textContent);

describe("moving items", () => {
  it("moves one item and clamps at the ends", () => {
    expect(moved(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], 2, 5)).toEqual(["a", "b", "c"]);
    expect(moved(["a"], 3, 1)).toEqual(["a"]);
  });

  it("keeps focus on a button that can still move", () => {
    expect(focusAfterMove(3, 1, "up")).toBe("up");
    expect(focusAfterMove(3, 0, "up")).toBe("down");
    expect(focusAfterMove(3, 2, "down")).toBe("up");
  });
});

describe("reordering in the editor", () => {
  it("moves an objective down and up, each a saved edit, keeping it selected", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await screen.findByRole("navigation", { name: "Objectives" });
    expect(screen.getByRole("button", { name: "Move objective up" })).toHaveProperty("disabled", true);
    await user.click(screen.getByRole("button", { name: "Move objective down" }));
    await waitFor(() => expect(listed()).toEqual(["Single sign-on for partners", "Self-service sign-up", "Usage dashboard"]));
    const saved = app.saved().objectives.map((o) => o.name);
    expect(saved).toEqual(["Single sign-on for partners", "Self-service sign-up", "Usage dashboard"]);
    expect(((await screen.findByRole("textbox", { name: /^Name/ })) as HTMLInputElement).value).toBe("Self-service sign-up");
    expect(screen.getByRole("heading", { name: "Objective 2 of 3" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Move objective up" }));
    await waitFor(() =>
      expect(app.saved().objectives.map((o) => o.name)).toEqual([
        "Self-service sign-up",
        "Single sign-on for partners",
        "Usage dashboard",
      ]),
    );
  });

  it("does not move an objective with unsaved changes", async () => {
    renderApp(openPlanApp(plan()).client);
    const name = await screen.findByRole("textbox", { name: /^Name/ });
    await userEvent.setup().type(name, " (draft)");
    expect(screen.getByRole("button", { name: "Move objective down" })).toHaveProperty("disabled", true);
  });

  it("moves a feature within its objective and saves the order", async () => {
    const app = openPlanApp(plan());
    const user = userEvent.setup();
    renderApp(app.client);
    await user.click(await screen.findByRole("button", { name: "Add feature" }));
    const cards = () => screen.getAllByRole("region", { name: /^Feature / });
    const last = cards()[cards().length - 1]!;
    await user.click(within(last).getByRole("button", { name: "Move feature up" }));
    expect(cards().map((c) => c.getAttribute("aria-label"))[0]).toBe("Feature New feature");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => {
      const features = app.saved().objectives[0]!.features;
      expect(features.map((f) => f.name)[0]).toBe("New feature");
      expect(features).toHaveLength(2);
    });
  });
});
