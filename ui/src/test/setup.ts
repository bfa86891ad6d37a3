import "@testing-library/jest-dom/vitest";
import "../i18n";

import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// findBy/waitFor wait for an outcome; on a loaded machine a screen can take longer than the
// library's 1 s default to settle, and a wrong screen still fails (after this limit).
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  clearMocks();
  window.localStorage.clear();
});
