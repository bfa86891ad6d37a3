import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tauri expects a fixed dev-server port; 1420 is Tauri's convention and stays clear of
// Vite's default (5173), which a developer may be using for something else.
const port = Number(process.env.TOUCHPOINT_DEV_PORT ?? 1420);

export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port, strictPort: true, watch: { ignored: ["**/src-tauri/**"] } },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: {
    environment: "happy-dom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    // These are limits for a hung test, not speed checks: CI's 2-core machine runs the
    // Rust build beside some files, and a screen test there took just over 5 s.
    testTimeout: 30_000,
  },
});
