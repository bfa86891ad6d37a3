import { useRef, useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { CommandError, errorMessage, fieldErrors } from "../../api/commands";
import { useCreateCustomer } from "../../api/customers";
import { useDeskInfo } from "../../api/desk";
import { DialogFrame } from "../../components/DialogFrame";
import { TextInput } from "../../components/TextInput";
import { useNavigation } from "../../navigation";
import "./new-customer.css";

/** What was typed in search decides which field it lands in. */
export function prefillFrom(text: string): { name: string; phone: string; email: string } {
  const s = text.trim();
  if (s.includes("@")) return { name: "", phone: "", email: s };
  const digits = s.replace(/\D/g, "").length;
  if (digits >= 3 && digits >= s.replace(/\s/g, "").length / 2) return { name: "", phone: s, email: "" };
  return { name: s, phone: "", email: "" };
}

export function NewCustomerDialog() {
  const { t } = useTranslation();
  const nav = useNavigation();
  if (nav.newCustomerPrefill === null) return null;
  // Mounted per opening, so nothing typed the last time lingers.
  return (
    <DialogFrame isOpen onClose={() => nav.closeNewCustomer()} title={t("newCustomer.title")} testId="new-customer">
      <NewCustomerForm prefill={nav.newCustomerPrefill} />
    </DialogFrame>
  );
}

type Form = { name: string; phone: string; email: string };

function NewCustomerForm({ prefill }: { prefill: string }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const create = useCreateCustomer();
  const [form, setForm] = useState<Form>(() => prefillFrom(prefill));
  // The form as it was sent: a warning about it goes once the phone or email is changed.
  const [sent, setSent] = useState<Form | null>(null);
  // Set the moment a create starts, before React re-renders: a second Enter in the same
  // instant sees it (isPending would still read false) and does not create her twice.
  const inFlight = useRef(false);
  const errors = fieldErrors(create.error);
  const duplicate =
    create.error instanceof CommandError &&
    create.error.error.kind === "duplicate" &&
    sent !== null &&
    sent.phone === form.phone &&
    sent.email === form.email
      ? create.error.error
      : null;
  const otherError =
    create.isError && create.error instanceof CommandError && create.error.error.kind === "duplicate"
      ? null
      : create.isError && Object.keys(errors).length === 0
        ? errorMessage(create.error)
        : null;
  const focus = form.email ? "email" : form.phone ? "phone" : "name";

  function submit(allowDuplicate: boolean) {
    if (inFlight.current) return;
    inFlight.current = true;
    setSent(form);
    create.mutate(
      { ...form, allow_duplicate: allowDuplicate },
      {
        onSuccess: (customer) => {
          nav.closeNewCustomer();
          nav.go({ name: "customer", id: customer.id });
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  }

  return (
    <form
      data-testid="new-customer-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit(false);
      }}
    >
      <fieldset className="form-fieldset" disabled={create.isPending}>
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
              <Button className="link-button" data-testid="create-anyway" onPress={() => submit(true)}>
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
      </fieldset>
    </form>
  );
}
