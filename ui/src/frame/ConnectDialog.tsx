import { useState } from "react";
import { Checkbox } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../api/commands";
import { useConnectServer } from "../api/sync";
import { useNavigation } from "../navigation";
import { DialogFrame } from "../components/DialogFrame";
import { DialogActions } from "../components/FormParts";
import { TextInput } from "../components/TextInput";

const FIELDS = ["server_url", "code", "device_name"];

/** Enrolls this desk with the organisation's server. Enter connects; a refusal shows next to
 * its field (or under the form when it is about the server) and nothing typed is lost. */
export function ConnectDialog() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const connect = useConnectServer();
  const [form, setForm] = useState({ url: "", code: "", name: "", unencrypted: false });
  const plainHttp = form.url.trim().toLowerCase().startsWith("http://");
  const errors = fieldErrors(connect.error);
  // Offered once the desk has said why it will not use plain HTTP for this address (the core
  // knows which addresses are local); ticking it is an administrator's decision.
  const offerUnencrypted = plainHttp && (Boolean(errors.server_url) || form.unencrypted);
  const formError = connect.isError && !FIELDS.some((f) => errors[f]) ? errorMessage(connect.error) : null;
  const close = () => nav.setOverlay(null);

  return (
    <DialogFrame isOpen onClose={close} title={t("connect.title")} width={480} testId="connect-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (connect.isPending) return;
          connect.mutate(
            { serverUrl: form.url, code: form.code, deviceName: form.name, allowUnencrypted: plainHttp && form.unencrypted },
            { onSuccess: close },
          );
        }}
      >
        <div className="dialog-body">
          <p className="muted">{t("connect.help")}</p>
          <TextInput
            name="server_url"
            label={t("connect.url")}
            placeholder={t("connect.urlPlaceholder")}
            value={form.url}
            onChange={(url) => setForm((f) => ({ ...f, url }))}
            error={errors.server_url}
            autoFocus
            testId="connect-url"
          />
          {offerUnencrypted ? (
            <Checkbox
              className="checkbox"
              isSelected={form.unencrypted}
              onChange={(unencrypted) => setForm((f) => ({ ...f, unencrypted }))}
              data-testid="connect-unencrypted"
            >
              <span className="box" aria-hidden="true" />
              {t("connect.unencrypted")}
            </Checkbox>
          ) : null}
          <TextInput
            name="code"
            label={t("connect.code")}
            placeholder={t("connect.codePlaceholder")}
            hint={t("connect.codeHint")}
            value={form.code}
            onChange={(code) => setForm((f) => ({ ...f, code }))}
            error={errors.code}
            testId="connect-code"
          />
          <TextInput
            name="device_name"
            label={t("connect.name")}
            placeholder={t("connect.namePlaceholder")}
            hint={t("connect.nameHint")}
            value={form.name}
            onChange={(name) => setForm((f) => ({ ...f, name }))}
            error={errors.device_name}
            rule="device_name"
            testId="connect-name"
          />
          {formError ? (
            <p className="field-error" role="alert" data-testid="connect-error">
              {t("connect.failed", { message: formError })}
            </p>
          ) : null}
        </div>
        <DialogActions
          onCancel={close}
          submitLabel={connect.isPending ? t("connect.connecting") : t("connect.submit")}
          pending={connect.isPending}
          testId="connect-submit"
        />
      </form>
    </DialogFrame>
  );
}
