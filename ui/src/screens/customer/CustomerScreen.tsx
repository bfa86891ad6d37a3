import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { CommandError, errorMessage } from "../../api/commands";
import { useCustomerPage } from "../../api/customers";
import type { FollowUp, InteractionEntry } from "../../bindings";
import { CompleteFollowUpDialog } from "../follow-ups/CompleteFollowUpDialog";
import { AmendDialog } from "./AmendDialog";
import { BeforeYouStart } from "./BeforeYouStart";
import { CustomerHeader } from "./CustomerHeader";
import { LogPanel } from "./LogPanel";
import { NewFollowUpDialog } from "./NewFollowUpDialog";
import { useNavigation } from "../../navigation";
import { useShortcuts } from "../../shortcuts";
import { ProfileDialog } from "./ProfileDialog";
import { Timeline } from "./Timeline";
import "./customer.css";

export function CustomerScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const page = useCustomerPage(id);
  const [editing, setEditing] = useState(false);
  const [amending, setAmending] = useState<InteractionEntry | null>(null);
  const [completing, setCompleting] = useState<FollowUp | null>(null);
  const [newFollowUp, setNewFollowUp] = useState(false);
  const nav = useNavigation();
  const shortcuts = useMemo(
    () => [
      { key: "e", run: () => setEditing(true) },
      { key: "f", run: () => setNewFollowUp(true) },
    ],
    [],
  );
  useShortcuts(shortcuts, !nav.kiosk);

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
  // Opened by a merged record's old id, this is its survivor's page: everything acts on that.
  const cid = page.data.customer.id;

  return (
    <main className="screen customer" aria-labelledby="customer-name">
      <div className="customer-top">
        <CustomerHeader page={page.data} onEdit={() => setEditing(true)} onCompleteFollowUp={setCompleting} />
        <BeforeYouStart items={page.data.before_you_start} />
      </div>
      <div className="customer-body">
        <Timeline customerId={cid} firstPage={page.data.timeline} onAmend={setAmending} />
        <LogPanel key={cid} customerId={cid} customerLanguage={page.data.customer.language} />
      </div>
      {editing ? <ProfileDialog customer={page.data.customer} onClose={() => setEditing(false)} /> : null}
      {amending ? <AmendDialog customerId={cid} entry={amending} onClose={() => setAmending(null)} /> : null}
      {completing ? <CompleteFollowUpDialog followUp={completing} onClose={() => setCompleting(null)} /> : null}
      {newFollowUp ? <NewFollowUpDialog customerId={cid} contact={page.data.customer.contact} onClose={() => setNewFollowUp(false)} /> : null}
    </main>
  );
}
