import { useState } from "react";
import { Button, Header, Menu, MenuItem, MenuSection, MenuTrigger, Popover, Separator } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../api/commands";
import {
  useAddStaff,
  useDeskInfo,
  useNotificationSettings,
  useSetNotifications,
  useSetPin,
  useSignIn,
  useStaff,
} from "../api/desk";
import type { Role, StaffListing } from "../bindings";
import { LANGUAGES, currentLanguage, setLanguage, type Language } from "../i18n";
import { useNavigation } from "../navigation";
import { Choice } from "../components/Choice";
import { DialogActions } from "../components/FormParts";
import { DialogFrame } from "../components/DialogFrame";
import { initials } from "../components/initials";
import { ScorecardDialog } from "./ScorecardDialog";
import { TextInput } from "../components/TextInput";

type Open = "switch" | "add" | "pin" | "scorecard" | null;

/** The signed-in staff member, with switch user, change PIN and (admins) add staff and the
 * review scorecard. */
export function StaffMenu() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const nav = useNavigation();
  const [open, setOpen] = useState<Open>(null);
  const notifications = useNotificationSettings();
  const setNotifications = useSetNotifications();
  const me = desk.data?.staff;
  if (!me) return null;
  const requested = nav.staffDialog;
  const showing = open ?? requested;
  const close = () => {
    setOpen(null);
    nav.setStaffDialog(null);
  };

  return (
    <>
      <MenuTrigger>
        <Button className="staff-chip" data-testid="staff-menu">
          <span className="avatar small" aria-hidden="true">
            {initials(me.name)}
          </span>
          {me.name}
          <span aria-hidden="true" className="chevron">
            ▾
          </span>
        </Button>
        <Popover className="popover" placement="bottom end">
          <Menu
            className="menu-list"
            onAction={(k) => {
              const key = String(k);
              if (key.startsWith("lang:")) setLanguage(key.slice(5) as Language);
              else if (key === "notifications")
                setNotifications.mutate({ enabled: !notifications.data?.enabled, language: currentLanguage() });
              else setOpen(key as Open);
            }}
          >
            <MenuItem id="switch" className="menu-item" data-testid="menu-switch-user">
              {t("staff.switch")}
            </MenuItem>
            {/* A connected desk's staff and PINs are managed on the organisation's server. */}
            {desk.data?.connected ? null : (
              <MenuItem id="pin" className="menu-item">
                {t("staff.changePin")}
              </MenuItem>
            )}
            {me.role === "admin" && !desk.data?.connected ? (
              <MenuItem id="add" className="menu-item" data-testid="menu-add-staff">
                {t("staff.add")}
              </MenuItem>
            ) : null}
            {/* A connected desk's scorecard comes from the organisation's server. */}
            {me.role === "admin" && !desk.data?.connected ? (
              <MenuItem id="scorecard" className="menu-item" data-testid="menu-scorecard">
                {t("scorecard.menu")}
              </MenuItem>
            ) : null}
            <MenuItem
              id="notifications"
              className="menu-item"
              data-testid="menu-notifications"
              textValue={t("staff.notifications")}
            >
              <span className="menu-item-stack">
                <span>
                  {t("staff.notifications")}
                  {notifications.data?.enabled ? " ✓" : ""}
                </span>
                <span className="muted small">{t("staff.notificationsHelp")}</span>
              </span>
            </MenuItem>
            <Separator className="menu-separator" />
            <MenuSection>
              <Header className="search-section">{t("staff.language")}</Header>
              {LANGUAGES.map((l) => (
                <MenuItem key={l.id} id={`lang:${l.id}`} className="menu-item" data-testid={`lang-${l.id}`}>
                  {l.name}
                  {currentLanguage() === l.id ? " ✓" : ""}
                </MenuItem>
              ))}
            </MenuSection>
          </Menu>
        </Popover>
      </MenuTrigger>
      {showing === "switch" ? <SwitchUser onClose={close} /> : null}
      {showing === "add" ? <AddStaff onClose={close} /> : null}
      {showing === "pin" ? <ChangePin staffId={me.id} onClose={close} /> : null}
      {showing === "scorecard" ? <ScorecardDialog onClose={close} /> : null}
    </>
  );
}

function SwitchUser({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const staff = useStaff();
  const signIn = useSignIn();
  const desk = useDeskInfo();
  const [picked, setPicked] = useState<StaffListing | null>(null);
  const [pin, setPin] = useState("");
  const errors = fieldErrors(signIn.error);

  function go(s: StaffListing, withPin: string | null) {
    // A wrong PIN is cleared for the next try (the message says how many are left).
    signIn.mutate({ staffId: s.id, pin: withPin }, { onSuccess: onClose, onError: () => setPin("") });
  }

  return (
    <DialogFrame isOpen onClose={onClose} title={t("staff.switch")} testId="switch-user">
      <div className="dialog-body">
        <ul className="staff-list">
          {(staff.data ?? []).map((s) => (
            <li key={s.id}>
              <Button
                className="staff-option"
                data-current={s.id === desk.data?.staff.id || undefined}
                data-selected={s.id === picked?.id || undefined}
                onPress={() => {
                  setPicked(s);
                  setPin("");
                  signIn.reset();
                  if (!s.has_pin) go(s, null);
                }}
              >
                <span className="avatar" aria-hidden="true">
                  {initials(s.name)}
                </span>
                <span className="staff-name">{s.name}</span>
                <span className="muted small">{t(`role.${s.role}`)}</span>
              </Button>
            </li>
          ))}
        </ul>
        {picked?.has_pin ? (
          <form
            noValidate
            className="pin-form"
            onSubmit={(e) => {
              e.preventDefault();
              go(picked, pin);
            }}
          >
            <TextInput
              name="pin"
              label={t("staff.pinFor", { name: picked.name })}
              value={pin}
              onChange={setPin}
              error={errors.pin}
              autoFocus
              password
            />
            <Button type="submit" className="button primary" isDisabled={signIn.isPending} data-testid="pin-submit">
              {t("staff.signIn")}
            </Button>
          </form>
        ) : null}
        {signIn.isError && !errors.pin ? <p className="field-error">{errorMessage(signIn.error)}</p> : null}
      </div>
    </DialogFrame>
  );
}

const ROLES: Role[] = ["frontline", "supervisor", "admin"];

function AddStaff({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const add = useAddStaff();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("frontline");
  const [pin, setPin] = useState("");
  const errors = fieldErrors(add.error);
  return (
    <DialogFrame isOpen onClose={onClose} title={t("staff.add")} testId="add-staff">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ name, role, pin }, { onSuccess: onClose });
        }}
      >
        <div className="dialog-body">
          <TextInput name="name" label={t("newCustomer.name")} value={name} onChange={setName} error={errors.name} rule="staff_name" autoFocus />
          <Choice label={t("staff.role")} name="role" value={role} options={ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }))} onChange={setRole} />
          <TextInput name="pin" label={t("staff.pin")} hint={t("staff.pinHint")} value={pin} onChange={setPin} error={errors.pin} password />
          {add.isError && Object.keys(errors).length === 0 ? <p className="field-error">{errorMessage(add.error)}</p> : null}
        </div>
        <DialogActions onCancel={onClose} submitLabel={t("staff.addSave")} pending={add.isPending} testId="add-staff-save" />
      </form>
    </DialogFrame>
  );
}

function ChangePin({ staffId, onClose }: { staffId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const setPinMutation = useSetPin();
  const [pin, setPin] = useState("");
  const errors = fieldErrors(setPinMutation.error);
  return (
    <DialogFrame isOpen onClose={onClose} title={t("staff.changePin")}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setPinMutation.mutate({ staffId, pin }, { onSuccess: onClose });
        }}
      >
        <div className="dialog-body">
          <TextInput name="pin" label={t("staff.newPin")} hint={t("staff.pinHint")} value={pin} onChange={setPin} error={errors.pin} autoFocus password />
          {setPinMutation.isError && !errors.pin ? <p className="field-error">{errorMessage(setPinMutation.error)}</p> : null}
        </div>
        <DialogActions onCancel={onClose} submitLabel={t("staff.savePin")} pending={setPinMutation.isPending} />
      </form>
    </DialogFrame>
  );
}
