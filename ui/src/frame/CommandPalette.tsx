import { useRef, useState } from "react";
import {
  Autocomplete,
  Dialog,
  Header,
  Input,
  Keyboard,
  Menu,
  MenuItem,
  MenuSection,
  Modal,
  ModalOverlay,
  SearchField,
  useFilter,
} from "react-aria-components";
import { useTranslation } from "react-i18next";

import { ACTIONS, actionsFor } from "../actions";
import { useCustomerSearch } from "../api/customers";
import { useDeskInfo } from "../api/desk";
import { useNavigation } from "../navigation";
import { useFirstField } from "../components/useFirstField";

/** Ctrl+K: every action by name, and customers by name, phone or email. */
export function CommandPalette() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const [query, setQuery] = useState("");
  const { contains } = useFilter({ sensitivity: "base" });
  const customers = useCustomerSearch(query, query.trim().length >= 2);
  const desk = useDeskInfo();
  const onCustomer = nav.route.name === "customer";
  const typed = query.trim();
  // The actions are narrowed here, as the person types: Autocomplete's own filter does not
  // reach items inside a section, and customers come already matched from the search.
  const actions = actionsFor(desk.data?.staff.role).filter(
    (a) =>
      a.run &&
      a.id !== "palette" &&
      (!a.customerOnly || onCustomer) &&
      (typed === "" || contains(t(a.label), typed)),
  );
  const found = typed.length >= 2 ? (customers.data ?? []).slice(0, 8) : [];
  const close = () => nav.setOverlay(null);
  // Typing goes into the box from the first key, even when the dialog takes the focus itself.
  const body = useRef<HTMLDivElement>(null);
  const [dialogEl, setDialogEl] = useState<HTMLElement | null>(null);
  useFirstField(dialogEl, body);

  return (
    <ModalOverlay className="modal-overlay" isOpen onOpenChange={(o) => !o && close()} isDismissable>
      <Modal className="modal palette">
        <Dialog ref={setDialogEl} className="dialog" aria-label={t("palette.title")} data-testid="palette">
          <div ref={body} className="palette-body">
          <Autocomplete inputValue={query} onInputChange={setQuery}>
            <SearchField className="palette-field" aria-label={t("palette.title")} autoFocus>
              <Input className="palette-input" placeholder={t("palette.placeholder")} />
            </SearchField>
            <Menu
              className="palette-list"
              onAction={(key) => {
                const k = String(key);
                close();
                if (k.startsWith("customer:")) nav.go({ name: "customer", id: k.slice("customer:".length) });
                else ACTIONS.find((a) => a.id === k)?.run?.(nav);
              }}
              renderEmptyState={() => <div className="search-empty">{t("palette.nothing")}</div>}
            >
              {actions.length > 0 ? (
                <MenuSection>
                  <Header className="search-section">{t("palette.actions")}</Header>
                  {actions.map((a) => (
                    <MenuItem key={a.id} id={a.id} textValue={t(a.label)} className="search-item palette-item">
                      <span className="palette-label">{t(a.label)}</span>
                      {a.keys ? <Keyboard className="kbd">{a.keys}</Keyboard> : null}
                    </MenuItem>
                  ))}
                </MenuSection>
              ) : null}
              {found.length > 0 ? (
                <MenuSection>
                  <Header className="search-section">{t("search.results")}</Header>
                  {found.map((h) => (
                    <MenuItem
                      key={h.customer.id}
                      id={`customer:${h.customer.id}`}
                      textValue={h.customer.name}
                      className="search-item palette-item"
                    >
                      <span className="palette-label">{h.customer.name}</span>
                      <span className="muted small">{h.customer.phones[0]?.display ?? h.customer.emails[0] ?? ""}</span>
                    </MenuItem>
                  ))}
                </MenuSection>
              ) : null}
            </Menu>
          </Autocomplete>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
