import { useState } from "react";
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
import { useCustomerSearch, useDeskInfo } from "../api/hooks";
import { useNavigation } from "../navigation";

/** Ctrl+K: every action by name, and customers by name, phone or email. */
export function CommandPalette() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const [query, setQuery] = useState("");
  const { contains } = useFilter({ sensitivity: "base" });
  const customers = useCustomerSearch(query, query.trim().length >= 2);
  const desk = useDeskInfo();
  const onCustomer = nav.route.name === "customer";
  const actions = actionsFor(desk.data?.staff.role).filter(
    (a) => a.run && a.id !== "palette" && (!a.customerOnly || onCustomer),
  );
  const close = () => nav.setOverlay(null);

  return (
    <ModalOverlay className="modal-overlay" isOpen onOpenChange={(o) => !o && close()} isDismissable>
      <Modal className="modal palette">
        <Dialog className="dialog" aria-label={t("palette.title")} data-testid="palette">
          <Autocomplete
            inputValue={query}
            onInputChange={setQuery}
            filter={(text, input, node) => String(node.key).startsWith("customer:") || contains(text, input)}
          >
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
              <MenuSection>
                <Header className="search-section">{t("palette.actions")}</Header>
                {actions.map((a) => (
                  <MenuItem key={a.id} id={a.id} textValue={t(a.label)} className="search-item palette-item">
                    <span className="palette-label">{t(a.label)}</span>
                    {a.keys ? <Keyboard className="kbd">{a.keys}</Keyboard> : null}
                  </MenuItem>
                ))}
              </MenuSection>
              {query.trim().length >= 2 && (customers.data ?? []).length > 0 ? (
                <MenuSection>
                  <Header className="search-section">{t("search.results")}</Header>
                  {(customers.data ?? []).slice(0, 8).map((h) => (
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
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
