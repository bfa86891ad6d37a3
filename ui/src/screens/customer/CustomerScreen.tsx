import { useTranslation } from "react-i18next";

import { useCustomerPage } from "../../api/hooks";
import { CommandError, errorMessage } from "../../api/commands";
import { CustomerHeader } from "./CustomerHeader";
import { LogPanel } from "./LogPanel";
import { Timeline } from "./Timeline";

export function CustomerScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const page = useCustomerPage(id);

  if (page.isError) {
    const notFound = page.error instanceof CommandError && page.error.error.kind === "not_found";
    return (
      <main className="screen">
        <div className="empty-state" role="alert">
          <h2>{notFound ? t("customer.notFound") : t("customer.loadFailed", { message: errorMessage(page.error) })}</h2>
        </div>
      </main>
    );
  }
  if (!page.data) return <main className="screen" aria-busy="true" />;

  return (
    <main className="screen customer" aria-labelledby="customer-name">
      <CustomerHeader page={page.data} />
      <div className="customer-body">
        <Timeline entries={page.data.timeline} />
        <LogPanel key={id} customerId={id} />
      </div>
    </main>
  );
}
