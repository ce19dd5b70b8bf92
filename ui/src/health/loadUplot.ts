// uPlot, loaded when a chart is first drawn. uPlot reads `navigator.language` when its module
// loads (its number format); WebKitGTK reports the POSIX locale, `C`, when LANG is C, which
// Intl refuses ("RangeError: invalid language tag: C", seen in the real-window tests), so the
// module threw and, imported with the app, left the window blank. A language Intl refuses is
// replaced by en-US before uPlot loads, and loading it on demand keeps a chart from ever
// stopping the app from starting (decision 0004).
import type uPlot from "uplot";

/** Whether Intl takes `tag` as a language tag. */
export function validLanguage(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
}

let loading: Promise<typeof uPlot> | undefined;

export function loadUplot(): Promise<typeof uPlot> {
  if (!validLanguage(navigator.language)) {
    Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  }
  loading ??= import("uplot").then((m) => m.default);
  return loading;
}
