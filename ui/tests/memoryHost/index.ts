// The in-memory host of the component tests: the client interface served from memory, with its
// own small demo data and a copy of some of the app's rules. Test-only: the UI in a browser
// talks to the real app through the loopback bridge (src/ipc/bridgeHost.ts).
export * from "../../src/ipc/client";
export { browserClient, demoPlan, findingsOf, type BrowserClient, type BrowserHostOptions } from "./browserHost";
