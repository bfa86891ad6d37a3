import { useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../api/commands";
import { useDeskInfo } from "../api/desk";
import { useDisconnectServer, useSyncNow, useSyncStatus } from "../api/sync";
import type { SyncStatus } from "../bindings";
import { absoluteTime, relativeTime } from "../format";
import { useNavigation } from "../navigation";
import { DialogFrame } from "../components/DialogFrame";
import { RefusedChanges } from "./RefusedChanges";
import { describeSync } from "./syncState";

/** `S` or a click on the indicator: the whole truth about syncing, and what can be done. */
export function SyncPanel() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const status = useSyncStatus();
  const close = () => nav.setOverlay(null);
  const s = status.data;
  return (
    <DialogFrame isOpen onClose={close} title={t("sync.title")} width={580} testId="sync-panel">
      {status.isError ? (
        <div className="dialog-body">
          <p className="field-error" role="alert">
            {t("sync.unknownDetail", { message: errorMessage(status.error) })}
          </p>
        </div>
      ) : null}
      {s ? s.connected ? <Connected status={s} onClose={close} /> : <NotConnected onClose={close} /> : null}
    </DialogFrame>
  );
}

function NotConnected({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  return (
    <>
      <div className="dialog-body">
        <p className="sync-summary" data-state="local">
          <span className="dot" aria-hidden="true" />
          {t("sync.localTitle")}
        </p>
        <p>{t("sync.localExplain")}</p>
        {desk.data ? (
          <p className="muted small" data-testid="data-file">
            {t("sync.dataFile")}
            <code className="data-file">{desk.data.database_path}</code>
          </p>
        ) : null}
      </div>
      <div className="dialog-actions">
        <Button className="button" onPress={onClose}>
          {t("sync.close")}
        </Button>
        <Button className="button primary" onPress={() => nav.setOverlay("connect")} data-testid="connect-open" autoFocus>
          {t("sync.connect")}
        </Button>
      </div>
    </>
  );
}

function Connected({ status: s, onClose }: { status: SyncStatus; onClose: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const syncNow = useSyncNow();
  const [confirming, setConfirming] = useState(false);
  const { state, label } = describeSync(s, t);
  const when = (iso: string | null, none: string) =>
    iso ? (
      <span title={absoluteTime(iso)}>
        {relativeTime(iso)} <span className="muted">· {absoluteTime(iso)}</span>
      </span>
    ) : (
      none
    );

  return (
    <>
      <div className="dialog-body">
        <p className="sync-summary" data-state={state} role="status">
          <span className="dot" aria-hidden="true" />
          {label}
        </p>
        {s.blocked ? <p className="sync-help">{t(`sync.blockedHelp.${s.blocked}`)}</p> : null}
        <dl className="sync-facts">
          <dt>{t("sync.server")}</dt>
          <dd>{s.server_url}</dd>
          <dt>{t("sync.deskName")}</dt>
          <dd>{s.device_name}</dd>
          {s.secret_kept_in ? (
            <>
              <dt>{t("sync.secret")}</dt>
              <dd data-testid="sync-secret">{t(`sync.secretIn.${s.secret_kept_in}`)}</dd>
            </>
          ) : null}
          <dt>{t("sync.lastSuccess")}</dt>
          <dd>{when(s.last_success_at, t("sync.never"))}</dd>
          <dt>{t("sync.nextAttempt")}</dt>
          <dd>{s.next_attempt_at ? <span title={absoluteTime(s.next_attempt_at)}>{relativeTime(s.next_attempt_at)}</span> : t("sync.nextNone")}</dd>
          <dt>{t("sync.waiting")}</dt>
          <dd className="num">{s.pending > 0 ? s.pending : t("sync.waitingNone")}</dd>
          {s.last_error ? (
            <>
              <dt>{t("sync.lastError")}</dt>
              <dd className="sync-error">{s.last_error}</dd>
            </>
          ) : null}
        </dl>
        {s.rejected > 0 ? <RefusedChanges count={s.rejected} onOpenCustomer={onClose} /> : null}
        {syncNow.isError ? <p className="field-error">{errorMessage(syncNow.error)}</p> : null}
        {confirming ? <ConfirmDisconnect status={s} onCancel={() => setConfirming(false)} /> : null}
      </div>
      {confirming ? null : (
        <div className="dialog-actions">
          <Button className="button quiet-danger push-left" onPress={() => setConfirming(true)} data-testid="disconnect">
            {t("sync.disconnect")}
          </Button>
          {s.blocked === "revoked" || s.blocked === "enroll_again" ? (
            <Button className="button" onPress={() => nav.setOverlay("connect")} data-testid="connect-open">
              {t("sync.connectAgain")}
            </Button>
          ) : null}
          <Button className="button" onPress={onClose}>
            {t("sync.close")}
          </Button>
          <Button
            className="button primary"
            onPress={() => syncNow.mutate()}
            isDisabled={s.syncing || syncNow.isPending || s.blocked !== null}
            data-testid="sync-now"
            autoFocus
          >
            {s.syncing ? t("sync.syncing") : t("sync.syncNow")}
          </Button>
        </div>
      )}
    </>
  );
}

function ConfirmDisconnect({ status: s, onCancel }: { status: SyncStatus; onCancel: () => void }) {
  const { t } = useTranslation();
  const disconnect = useDisconnectServer();
  return (
    <div className="sync-confirm" role="group" aria-label={t("sync.disconnect")} data-testid="disconnect-confirm">
      <p>{t("sync.disconnectConfirm", { server: s.server_url ?? "" })}</p>
      {s.pending > 0 ? <p className="sync-warning">{t("sync.disconnectPending", { count: s.pending })}</p> : null}
      {disconnect.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(disconnect.error)}
        </p>
      ) : null}
      <div className="sync-confirm-actions">
        <Button className="button" onPress={onCancel} autoFocus>
          {t("sync.keepConnected")}
        </Button>
        <Button
          className="button danger"
          onPress={() => disconnect.mutate(undefined, { onSuccess: onCancel })}
          isDisabled={disconnect.isPending}
          data-testid="disconnect-confirm-yes"
        >
          {t("sync.disconnectYes")}
        </Button>
      </div>
    </div>
  );
}
