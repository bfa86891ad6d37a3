import { useState } from "react";
import { Button, Menu, MenuItem, MenuTrigger, Popover, Separator } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview, isFrontlineDesk } from "../../actions";
import { useDeskInfo } from "../../api/desk";
import type { Customer } from "../../bindings";
import { useNavigation } from "../../navigation";
import { DeleteCustomerDialog } from "./DeleteCustomerDialog";
import { EraseCustomerDialog } from "./EraseCustomerDialog";

/** Supervisors' rarer actions on a customer: their audit trail, deleting them, and erasing
 * them at their request. */
export function CustomerMoreMenu({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const [deleting, setDeleting] = useState(false);
  const [erasing, setErasing] = useState(false);
  if (!canReview(desk.data?.staff.role)) return null;

  return (
    <>
      <MenuTrigger>
        <Button className="link-button customer-more" data-testid="customer-more">
          {t("customer.more")}
          <span aria-hidden="true" className="chevron">
            ▾
          </span>
        </Button>
        <Popover className="popover" placement="bottom start">
          <Menu
            className="menu-list"
            onAction={(key) => {
              if (key === "audit") nav.go({ name: "audit", customer: { id: customer.id, name: customer.name } });
              else if (key === "delete") setDeleting(true);
              else if (key === "erase") setErasing(true);
            }}
          >
            <MenuItem id="audit" className="menu-item" data-testid="customer-audit">
              {t("customer.auditTrail")}
            </MenuItem>
            {isFrontlineDesk(desk.data?.device_role) ? null : (
              <>
                <Separator className="menu-separator" />
                <MenuItem id="delete" className="menu-item danger" data-testid="customer-delete">
                  {t("customer.delete")}
                </MenuItem>
                <MenuItem id="erase" className="menu-item danger" data-testid="customer-erase">
                  {t("customer.erase")}
                </MenuItem>
              </>
            )}
          </Menu>
        </Popover>
      </MenuTrigger>
      {deleting ? <DeleteCustomerDialog customer={customer} onClose={() => setDeleting(false)} /> : null}
      {erasing ? <EraseCustomerDialog customer={customer} onClose={() => setErasing(false)} /> : null}
    </>
  );
}
