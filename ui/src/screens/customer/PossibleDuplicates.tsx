import { useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview, isFrontlineDesk } from "../../actions";
import { useMarkNotSamePerson, usePossibleDuplicates } from "../../api/customers";
import { useDeskInfo } from "../../api/desk";
import { useNavigation } from "../../navigation";
import { MergeDialog } from "./MergeDialog";

/** "Possibly the same person as …": other records sharing an email, an id, or a phone with a
 * close name (the core's rule), each a way to open them; a supervisor compares and merges;
 * anyone can say they are two people (never proposed again). Nothing when there are none. */
export function PossibleDuplicates({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const duplicates = usePossibleDuplicates(customerId);
  const notSame = useMarkNotSamePerson();
  const [comparing, setComparing] = useState<string | null>(null);
  const mayMerge = canReview(desk.data?.staff.role) && !isFrontlineDesk(desk.data?.device_role);
  const found = duplicates.data ?? [];
  if (found.length === 0) return null;
  return (
    <div className="possible-duplicates" data-testid="possible-duplicates">
      <span className="label">{t("customer.possiblySame")}</span>{" "}
      <ul>
        {found.map((d) => (
          <li key={d.customer.id} data-testid="possible-duplicate-row">
            <Button
              className="link-button"
              onPress={() => nav.go({ name: "customer", id: d.customer.id })}
              data-testid="possible-duplicate"
            >
              {d.customer.name}
            </Button>{" "}
            <span className="muted">({d.shared.map((k) => t(`customer.sharedKey.${k}`)).join(", ")})</span>
            {mayMerge ? (
              <Button className="link-button" onPress={() => setComparing(d.customer.id)} data-testid="compare-merge">
                {t("merge.compare")}
              </Button>
            ) : null}
            <Button
              className="link-button quiet"
              isDisabled={notSame.isPending}
              onPress={() => notSame.mutate({ customerId, otherId: d.customer.id })}
              data-testid="not-same-person"
            >
              {t("merge.notSame")}
            </Button>
          </li>
        ))}
      </ul>
      {comparing ? <MergeDialog keepId={customerId} otherId={comparing} onClose={() => setComparing(null)} /> : null}
    </div>
  );
}
