import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { usePossibleDuplicates } from "../../api/customers";
import { useNavigation } from "../../navigation";

/** "Possibly the same person as …": other records sharing an email, an id, or a phone with a
 * close name (the core's rule), each a way to open them. Nothing when there are none. */
export function PossibleDuplicates({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const duplicates = usePossibleDuplicates(customerId);
  const found = duplicates.data ?? [];
  if (found.length === 0) return null;
  return (
    <p className="possible-duplicates" data-testid="possible-duplicates">
      <span className="label">{t("customer.possiblySame")}</span>{" "}
      {found.map((d, i) => (
        <span key={d.customer.id}>
          {i > 0 ? <span className="sep">·</span> : null}
          <Button
            className="link-button"
            onPress={() => nav.go({ name: "customer", id: d.customer.id })}
            data-testid="possible-duplicate"
          >
            {d.customer.name}
          </Button>{" "}
          <span className="muted">({d.shared.map((k) => t(`customer.sharedKey.${k}`)).join(", ")})</span>
        </span>
      ))}
    </p>
  );
}
