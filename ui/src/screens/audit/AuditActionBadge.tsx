import { useTranslation } from "react-i18next";

import type { AuditAction } from "../../bindings";

const PATHS: Record<AuditAction, string[]> = {
  // An eye.
  view: ["M2 10s3-5.5 8-5.5S18 10 18 10s-3 5.5-8 5.5S2 10 2 10z", "M10 12.3a2.3 2.3 0 1 0 0-4.6 2.3 2.3 0 0 0 0 4.6z"],
  // A pencil.
  change: ["M4 16l.8-3.4L13.5 3.9l2.6 2.6-8.7 8.7z", "M11.8 5.6l2.6 2.6"],
  // An arrow leaving a tray.
  export: ["M10 12.5V3M6.5 6.5 10 3l3.5 3.5", "M4 12v4.5h12V12"],
  // A bin.
  erase: ["M4 6h12M8 6V4h4v2", "M5.5 6l.8 10.5h7.4L14.5 6", "M8.5 9v5M11.5 9v5"],
  // An arrow into a tray.
  import: ["M10 3v9.5M6.5 9 10 12.5 13.5 9", "M4 12v4.5h12V12"],
  // A padlock.
  sign_in_locked: ["M5 9h10v8H5z", "M7 9V6.5a3 3 0 0 1 6 0V9"],
  // Two paths joining into one.
  merge: ["M4 4c0 5 6 4 6 9v3", "M16 4c0 5-6 4-6 9"],
  // One path parting in two.
  unmerge: ["M10 4v3c0 5-6 4-6 9", "M10 7c0 5 6 4 6 9"],
};

/** What was done, as icon + word + colour (never colour alone). */
export function AuditActionBadge({ action }: { action: AuditAction }) {
  const { t } = useTranslation();
  return (
    <span className={`audit-action audit-action-${action}`} data-action={action}>
      <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true" focusable="false">
        {PATHS[action].map((d) => (
          <path key={d} d={d} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        ))}
      </svg>
      {t(`audit.actions.${action}`)}
    </span>
  );
}
