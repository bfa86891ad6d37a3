import { useState } from "react";
import { Button, Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { CommandError, errorMessage, fieldErrors } from "../../api/commands";
import { useCreateCustomer, useDeskInfo } from "../../api/hooks";
import { TextInput } from "../../components/TextInput";
import { useNavigation } from "../../navigation";

/** What was typed in search decides which field it lands in. */
export function prefillFrom(text: string): { name: string; phone: string; email: string } {
  const s = text.trim();
  if (s.includes("@")) return { name: "", phone: "", email: s };
  const digits = s.replace(/\D/g, "").length;
  if (digits >= 3 && digits >= s.replace(/\s/g, "").length / 2) return { name: "", phone: s, email: "" };
  return { name: s, phone: "", email: "" };
}

export function NewCustomerDialog() {
  const nav = useNavigation();
  const open = nav.newCustomerPrefill !== null;
  return (
    <ModalOverlay className="modal-overlay" isOpen={open} onOpenChange={(o) => !o && nav.closeNewCustomer()} isDismissable>
      <Modal className="modal">
        {open ? <NewCustomerForm prefill={nav.newCustomerPrefill ?? ""} /> : null}
      </Modal>
    </ModalOverlay>
  );
}

function NewCustomerForm({ prefill }: { prefill: string }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const create = useCreateCustomer();
  const [form, setForm] = useState(() => prefillFrom(prefill));
  const errors = fieldErrors(create.error);
  const duplicate =
    create.error instanceof CommandError && create.error.error.kind === "duplicate" ? create.error.error : null;
  const otherError =
    create.isError && !duplicate && Object.keys(errors).length === 0 ? errorMessage(create.error) : null;
  const focus = form.email ? "email" : form.phone ? "phone" : "name";

  return (
    <Dialog className="dialog" aria-labelledby="new-customer-title">
      <form
        data-testid="new-customer-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (create.isPending) return;
          create.mutate({ ...form, allow_duplicate: false }, {
            onSuccess: (customer) => {
              nav.closeNewCustomer();
              nav.go({ name: "customer", id: customer.id });
            },
          });
        }}
      >
        <Heading slot="title" id="new-customer-title" className="dialog-title">
          {t("newCustomer.title")}
        </Heading>
        <div className="dialog-body">
          <TextInput
            name="name"
            label={t("newCustomer.name")}
            value={form.name}
            onChange={(name) => setForm((f) => ({ ...f, name }))}
            error={errors.name}
            rule="customer_name"
            autoFocus={focus === "name"}
          />
          <TextInput
            name="phone"
            type="tel"
            label={t("newCustomer.phone")}
            value={form.phone}
            onChange={(phone) => setForm((f) => ({ ...f, phone }))}
            error={errors.phone}
            hint={t("newCustomer.phoneHint", { region: desk.data?.region ?? "" })}
            autoFocus={focus === "phone"}
          />
          <TextInput
            name="email"
            type="email"
            label={t("newCustomer.email")}
            value={form.email}
            onChange={(email) => setForm((f) => ({ ...f, email }))}
            error={errors.email}
            autoFocus={focus === "email"}
          />
          {duplicate ? (
            <div className="duplicate-warning" role="alert" data-testid="duplicate-warning">
              <p>{t("newCustomer.duplicate", { on: t(`newCustomer.duplicateOn.${duplicate.matches[0]?.on ?? "phone"}`) })}</p>
              <ul>
                {duplicate.matches.map((m) => (
                  <li key={m.customer_id}>
                    <Button
                      className="button"
                      data-testid="open-duplicate"
                      onPress={() => {
                        nav.closeNewCustomer();
                        nav.go({ name: "customer", id: m.customer_id });
                      }}
                    >
                      {t("newCustomer.openExisting", { name: m.name })}
                    </Button>
                    <span className="muted small">{m.value}</span>
                  </li>
                ))}
              </ul>
              <Button
                className="link-button"
                data-testid="create-anyway"
                onPress={() =>
                  create.mutate(
                    { ...form, allow_duplicate: true },
                    {
                      onSuccess: (customer) => {
                        nav.closeNewCustomer();
                        nav.go({ name: "customer", id: customer.id });
                      },
                    },
                  )
                }
              >
                {t("newCustomer.createAnyway")}
              </Button>
            </div>
          ) : null}
          {otherError ? (
            <p className="field-error" role="alert">
              {t("newCustomer.failed", { message: otherError })}
            </p>
          ) : null}
        </div>
        <div className="dialog-actions">
          <Button className="button" onPress={() => nav.closeNewCustomer()}>
            {t("newCustomer.cancel")}
          </Button>
          <Button type="submit" className="button primary" isDisabled={create.isPending} data-testid="new-customer-submit">
            {create.isPending ? t("newCustomer.creating") : t("newCustomer.create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
