// Vite builds the UI into dist/ (embedded by the app's custom-protocol build); Vitest runs the
// component tests in happy-dom.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.{ts,tsx}"],
    setupFiles: ["tests/setup.ts"],
  },
});
