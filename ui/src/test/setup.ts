import "@testing-library/jest-dom/vitest";
import "../i18n";

import { clearMocks } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  clearMocks();
  window.localStorage.clear();
});
