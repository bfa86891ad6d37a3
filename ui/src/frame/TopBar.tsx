import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useDeskInfo, useSetDeskTouchPoint, useTouchPoints } from "../api/desk";
import { SearchBox } from "./SearchBox";
import { StaffMenu } from "./StaffMenu";
import { SyncStatus } from "./SyncStatus";

export function TopBar() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const touchPoints = useTouchPoints();
  const setTouchPoint = useSetDeskTouchPoint();
  const info = desk.data;

  return (
    <header className="top-bar">
      <div className="brand">
        <img src="/icon.svg" alt="" width="22" height="22" />
        <span>{t("app.name")}</span>
      </div>
      <SearchBox />
      <div className="top-bar-end">
        {info && touchPoints.data ? (
          <Select
            className="desk-touch-point"
            aria-label={t("desk.touchPoint")}
            selectedKey={info.touch_point?.id ?? null}
            onSelectionChange={(key) => key && setTouchPoint.mutate(String(key))}
          >
            <Label className="visually-hidden">{t("desk.touchPoint")}</Label>
            <Button className="select-button quiet">
              <SelectValue />
              <span aria-hidden="true" className="chevron">
                ▾
              </span>
            </Button>
            <Popover className="popover">
              <ListBox className="menu-list" items={touchPoints.data}>
                {(tp) => (
                  <ListBoxItem id={tp.id} className="menu-item">
                    {tp.name}
                  </ListBoxItem>
                )}
              </ListBox>
            </Popover>
          </Select>
        ) : null}
        <StaffMenu />
        <SyncStatus />
      </div>
    </header>
  );
}
