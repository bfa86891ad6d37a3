import {
  Button,
  Text,
  UNSTABLE_Toast as Toast,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastRegion as ToastRegion,
} from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../api/commands";
import { useRestoreCustomer } from "../api/customers";
import type { NameRef } from "../bindings";
import { useNavigation, type Notice } from "../navigation";

/** How long a notice with an undo stays up; hovering or focusing it pauses the clock. */
export const NOTICE_TIMEOUT_MS = 15_000;

/** Notices over every room, bottom centre: F6 reaches them from the keyboard. */
export function NoticeRegion() {
  const { t } = useTranslation();
  const nav = useNavigation();
  return (
    <ToastRegion queue={nav.notices} className="notice-region" aria-label={t("notice.region")}>
      {({ toast }) => (
        <Toast toast={toast} className="notice" data-testid="notice">
          <NoticeBody notice={toast.content} close={() => nav.notices.close(toast.key)} />
        </Toast>
      )}
    </ToastRegion>
  );
}

function NoticeBody({ notice, close }: { notice: Notice; close: () => void }) {
  switch (notice.kind) {
    case "customer-deleted":
      return <CustomerDeleted customer={notice.customer} close={close} />;
  }
}

/** "Deleted Ana Souza — Undo": undo brings them back and opens their page again. */
function CustomerDeleted({ customer, close }: { customer: NameRef; close: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const restore = useRestoreCustomer();
  return (
    <>
      <ToastContent className="notice-content">
        <Text slot="title">{t("notice.deleted", { name: customer.name })}</Text>
        {restore.isError ? (
          <Text slot="description" className="notice-error">
            {t("notice.undoFailed", { message: errorMessage(restore.error) })}
          </Text>
        ) : null}
      </ToastContent>
      <Button
        className="button small"
        isDisabled={restore.isPending}
        onPress={() =>
          restore.mutate(customer.id, {
            onSuccess: () => {
              close();
              nav.go({ name: "customer", id: customer.id });
            },
          })
        }
        data-testid="notice-undo"
      >
        {t("notice.undo")}
      </Button>
      <Button slot="close" className="notice-close" aria-label={t("notice.dismiss")}>
        <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
          <path d="M5 5l10 10M15 5 5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      </Button>
    </>
  );
}
