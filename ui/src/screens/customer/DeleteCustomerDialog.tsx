import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useDeleteCustomer } from "../../api/customers";
import type { Customer } from "../../bindings";
import { DialogFrame } from "../../components/DialogFrame";
import { FormError } from "../../components/FormParts";
import { NOTICE_TIMEOUT_MS } from "../../components/NoticeRegion";
import { useNavigation } from "../../navigation";

/** Asks before deleting a customer; once deleted, Today opens with a notice that can undo it. */
export function DeleteCustomerDialog({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const remove = useDeleteCustomer();

  return (
    <DialogFrame
      isOpen
      onClose={onClose}
      title={t("deleteCustomer.title", { name: customer.name })}
      width={460}
      testId="delete-confirm"
    >
      <div className="dialog-body">
        <p>{t("deleteCustomer.explain")}</p>
        <p className="muted small">{t("deleteCustomer.undoHint")}</p>
        <FormError error={remove.error} />
      </div>
      <div className="dialog-actions">
        <Button className="button" onPress={onClose} autoFocus>
          {t("common.cancel")}
        </Button>
        <Button
          className="button danger"
          isDisabled={remove.isPending}
          onPress={() =>
            remove.mutate(customer.id, {
              onSuccess: () => {
                onClose();
                nav.go({ name: "home" });
                nav.notices.add(
                  { kind: "customer-deleted", customer: { id: customer.id, name: customer.name } },
                  { timeout: NOTICE_TIMEOUT_MS },
                );
              },
            })
          }
          data-testid="delete-confirm-button"
        >
          {t("deleteCustomer.confirm")}
        </Button>
      </div>
    </DialogFrame>
  );
}
