import "@fontsource-variable/inter";
import "../../src/theme.css";
import "../../src/app.css";
import "../../src/components/components.css";
import "./console.css";
import "./i18n";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { ConsoleApp } from "./App";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConsoleApp />
    </StrictMode>,
  );
}
