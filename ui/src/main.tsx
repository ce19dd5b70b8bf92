// Entry point: picks the client host and renders the app.
import { createRoot } from "react-dom/client";

import { Root } from "./Root";
import { createClient } from "./ipc";

const container = document.getElementById("root");
if (container) createRoot(container).render(<Root client={createClient()} />);
