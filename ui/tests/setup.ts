// Component test setup: unmount between tests, and the browser APIs Mantine expects.
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => cleanup());

// The window of the planner's walkthrough (1366 × 850); a test of a narrow window sets its own.
const viewport = (globalThis as { happyDOM?: { setViewport(v: { width: number; height: number }): void } }).happyDOM;
viewport?.setViewport({ width: 1366, height: 850 });
afterEach(() => viewport?.setViewport({ width: 1366, height: 850 }));

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;
if (!("fonts" in document) || !document.fonts) {
  Object.defineProperty(document, "fonts", {
    value: new EventTarget(),
    configurable: true,
  });
}
