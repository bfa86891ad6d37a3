import { useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { isFrontlineDesk } from "../../actions";
import { errorMessage } from "../../api/commands";
import { useMarkNotSamePerson, useStoreDuplicates } from "../../api/customers";
import { useDeskInfo } from "../../api/desk";
import type { Customer, DuplicatePair } from "../../bindings";
import { shortDate } from "../../format";
import { useNavigation } from "../../navigation";
import { MergeDialog } from "../customer/MergeDialog";
import "./duplicates.css";

/** The store's possible duplicates for supervisors, the pair with the newest record first:
 * what they share, each record's contacts and age; compare and merge, or mark two people. */
export function DuplicatesScreen() {
  const { t } = useTranslation();
  const pairs = useStoreDuplicates();
  const desk = useDeskInfo();
  const notSame = useMarkNotSamePerson();
  const [comparing, setComparing] = useState<DuplicatePair | null>(null);
  const mayMerge = !isFrontlineDesk(desk.data?.device_role);
  const list = pairs.data ?? [];

  return (
    <main className="screen duplicates" aria-labelledby="duplicates-title">
      <header className="screen-head">
        <h1 id="duplicates-title">{t("duplicates.title")}</h1>
        <p className="muted">{t("duplicates.explain")}</p>
      </header>
      {pairs.isError ? (
        <div className="empty-state" role="alert">
          <h2>{errorMessage(pairs.error)}</h2>
        </div>
      ) : pairs.data && list.length === 0 ? (
        <div className="empty-state" data-testid="duplicates-empty">
          <h2>{t("duplicates.none")}</h2>
          <p className="muted">{t("duplicates.noneHint")}</p>
        </div>
      ) : (
        <ul className="duplicate-pairs" data-testid="duplicate-pairs" aria-busy={!pairs.data}>
          {list.map((p) => (
            <li key={`${p.newer.id}-${p.older.id}`} className="duplicate-pair" data-testid="duplicate-pair">
              <Record customer={p.newer} label={t("duplicates.newer")} />
              <Record customer={p.older} label={t("duplicates.older")} />
              <div className="pair-side">
                <span className="shared">
                  {p.shared.map((k) => t(`customer.sharedKey.${k}`)).join(", ")}
                  {p.names_close ? ` · ${t("duplicates.namesClose")}` : ""}
                </span>
                <div className="pair-actions">
                  {mayMerge ? (
                    <Button className="button" onPress={() => setComparing(p)} data-testid="pair-compare">
                      {t("merge.compare")}
                    </Button>
                  ) : null}
                  <Button
                    className="button quiet"
                    isDisabled={notSame.isPending}
                    onPress={() => notSame.mutate({ customerId: p.newer.id, otherId: p.older.id })}
                    data-testid="pair-not-same"
                  >
                    {t("merge.notSame")}
                  </Button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {comparing ? (
        <MergeDialog keepId={comparing.older.id} otherId={comparing.newer.id} onClose={() => setComparing(null)} />
      ) : null}
    </main>
  );
}

function Record({ customer, label }: { customer: Customer; label: string }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const contacts = [...customer.phones.map((p) => p.display), ...customer.emails];
  return (
    <div className="pair-record">
      <span className="muted small">
        {label} · {t("merge.created", { date: shortDate(customer.created_at) })}
      </span>
      <Button className="link-button pair-name" onPress={() => nav.go({ name: "customer", id: customer.id })}>
        {customer.name}
      </Button>
      <span className="small">{contacts.length > 0 ? contacts.join(" · ") : t("customer.contactNone")}</span>
    </div>
  );
}
