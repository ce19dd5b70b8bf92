// Renders the app around a given client, as main.tsx does.
import { render } from "@testing-library/react";

import { Root } from "../src/Root";
import type { PlannerClient } from "../src/ipc";

export function renderApp(client: PlannerClient) {
  return render(<Root client={client} />);
}
