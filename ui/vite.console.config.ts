import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The head office's console: a second entry of the same UI (shared components, styles and
// i18n), served by touchpoint-server at /console/ from ui/dist-console.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [react()],
  root: here("./console"),
  base: "/console/",
  publicDir: false,
  clearScreen: false,
  build: { target: "es2022", outDir: here("./dist-console"), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
