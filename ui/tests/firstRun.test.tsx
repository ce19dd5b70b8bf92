import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { browserClient } from "./memoryHost";
import { renderApp } from "./render";

describe("first run", () => {
  it("goes from the demo through identity and the picker to the plan", async () => {
    const user = userEvent.setup();
    renderApp(browserClient({ identitySuggestion: { name: "Ann Planner", email: "ann@example.com" } }));
    await user.click(await screen.findByRole("button", { name: "Try the demo" }));
    const name = (await screen.findByLabelText(/Your name/)) as HTMLInputElement;
    expect(name.value).toBe("Ann Planner");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    const choose = async (label: string, option: string) => {
      await screen.findByRole("option", { name: option });
      await user.selectOptions(screen.getByLabelText(label), option);
    };
    await choose("Release train (ART)", "Customer ART");
    await choose("Release (PI)", "PI-1/26");
    await choose("Team", "Checkout");
    await user.click(screen.getByRole("button", { name: "Open plan" }));
    expect((await screen.findByTestId("workspace-title")).textContent).toBe("Customer ART › PI-1/26 › Checkout");
    expect(await screen.findAllByTestId("objective-item")).toHaveLength(3);
  });

  it("tests a connection and shows the coded error with its hint", async () => {
    const user = userEvent.setup();
    renderApp(browserClient());
    await user.type(await screen.findByLabelText(/Targetprocess address/), "not a url");
    await user.type(screen.getByLabelText(/Access token/), "demo-token");
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("bad_url");
    expect(alert.textContent).toContain("Use the address you open Targetprocess with.");
  });

  it("reports how many release trains a working connection sees", async () => {
    const user = userEvent.setup();
    renderApp(browserClient());
    await user.type(await screen.findByLabelText(/Targetprocess address/), "https://acme.tpondemand.com");
    await user.type(screen.getByLabelText(/Access token/), "demo-token");
    await user.click(screen.getByRole("button", { name: "Test connection" }));
    expect((await screen.findByRole("status")).textContent).toBe("Connection works: 2 release trains visible.");
  });
});
