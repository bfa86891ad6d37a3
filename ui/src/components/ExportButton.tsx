import type { UseMutationResult } from "@tanstack/react-query";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../api/commands";
import type { ExportedFile } from "../bindings";

/** Export CSV: runs an export mutation with what is on screen and says where the file went
 * ("Saved to … (4 KB)"), or why it was refused. `link` is the quiet form for a side column. */
export function ExportButton<V>({
  exporter,
  variables,
  failed,
  testId,
  link = false,
  className,
}: {
  exporter: UseMutationResult<ExportedFile, Error, V>;
  /** What to export: read when the button is pressed. */
  variables: V;
  /** The sentence for a refusal, given the core's message. */
  failed: (message: string) => string;
  testId: string;
  link?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className={className ? `export-action ${className}` : "export-action"}>
      <Button
        className={link ? "link-button" : "button"}
        onPress={() => exporter.mutate(variables)}
        isDisabled={exporter.isPending}
        data-testid={testId}
      >
        {exporter.isPending ? t("export.exporting") : t("export.button")}
      </Button>
      <span className="export-result small" role="status" data-testid={`${testId}-result`}>
        {exporter.isSuccess ? t("export.saved", { path: exporter.data.path, kb: kilobytes(exporter.data.bytes) }) : null}
        {exporter.isError ? <span className="field-error">{failed(errorMessage(exporter.error))}</span> : null}
      </span>
    </div>
  );
}

/** Whole kilobytes, never 0 for a file that was written. */
export function kilobytes(bytes: number): number {
  return Math.max(1, Math.round(bytes / 1024));
}
