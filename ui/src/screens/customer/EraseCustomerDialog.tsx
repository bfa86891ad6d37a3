import { useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useEraseCustomer } from "../../api/customers";
import type { Customer } from "../../bindings";
import { DialogFrame } from "../../components/DialogFrame";
import { FormError } from "../../components/FormParts";
import { TextInput } from "../../components/TextInput";
import { useNavigation } from "../../navigation";

/** A privacy erasure cannot be undone: it says what goes and what stays, and asks for the
 * customer's name to be typed before it removes anything. */
export function EraseCustomerDialog({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const erase = useEraseCustomer();
  const [typed, setTyped] = useState("");
  const matches = typed.trim().toLowerCase() === customer.name.trim().toLowerCase();

  return (
    <DialogFrame
      isOpen
      onClose={onClose}
      title={t("eraseCustomer.title", { name: customer.name })}
      width={500}
      testId="erase-confirm"
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!matches || erase.isPending) return;
          erase.mutate(customer.id, {
            onSuccess: () => {
              onClose();
              nav.go({ name: "home" });
            },
          });
        }}
      >
        <div className="dialog-body">
          <p>{t("eraseCustomer.explain", { name: customer.name })}</p>
          <p className="muted small">{t("eraseCustomer.kept")}</p>
          <TextInput
            name="confirm_name"
            label={t("eraseCustomer.typeName", { name: customer.name })}
            value={typed}
            onChange={setTyped}
            autoFocus
            testId="erase-name"
          />
          <FormError error={erase.error} />
        </div>
        <div className="dialog-actions">
          <Button className="button" onPress={onClose}>
            {t("common.cancel")}
          </Button>
          <Button
            type="submit"
            className="button danger"
            isDisabled={!matches || erase.isPending}
            data-testid="erase-confirm-button"
          >
            {t("eraseCustomer.confirm")}
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}
