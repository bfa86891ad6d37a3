import { useState } from "react";
import { Button, Tab, TabList, TabPanel, Tabs } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { FollowUpHeadline } from "../../components/FollowUpWhyLine";

import { canReview } from "../../actions";
import { useDeskInfo, useStaff } from "../../api/desk";
import { useMyClosedFollowUps, useMyFollowUps } from "../../api/followUps";
import type { FollowUp } from "../../bindings";
import { FeelingBadge } from "../../components/FeelingBadge";
import { absoluteTime, relativeTime } from "../../format";
import { useNavigation } from "../../navigation";
import { CompleteFollowUpDialog } from "./CompleteFollowUpDialog";
import { FollowUpContactLine, HandOverDialog, LastChangeLine, SnoozeDialog } from "./FollowUpChanges";
import { StoreBoard } from "./StoreBoard";
import "./follow-ups.css";

export type FollowUpsView = "mine" | "store";

/** Follow-ups: my own for everyone; supervisors also see the store's board beside them. */
export function FollowUpsScreen({ view = "mine" }: { view?: FollowUpsView }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const [tab, setTab] = useState<FollowUpsView>(view);

  if (!desk.isSuccess) return <main className="screen follow-ups" aria-busy="true" />;

  if (!canReview(desk.data.staff.role)) {
    return (
      <main className="screen follow-ups" aria-labelledby="follow-ups-title">
        <MyFollowUps titled />
      </main>
    );
  }

  return (
    <main className="screen follow-ups" aria-labelledby="follow-ups-title">
      <Tabs selectedKey={tab} onSelectionChange={(k) => setTab(k as FollowUpsView)} className="room-tabs">
        <div className="screen-head room-tabs-head">
          <h1 id="follow-ups-title">{t("followUps.roomTitle")}</h1>
          <TabList className="tab-list room-tab-list" aria-label={t("followUps.views")}>
            <Tab id="mine" className="tab" data-testid="mine-tab">
              {t("followUps.mine")}
            </Tab>
            <Tab id="store" className="tab" data-testid="board-tab">
              {t("followUps.store")}
            </Tab>
          </TabList>
        </div>
        <TabPanel id="mine" className="room-tab-panel">
          <MyFollowUps titled={false} />
        </TabPanel>
        <TabPanel id="store" className="room-tab-panel">
          <StoreBoard />
        </TabPanel>
      </Tabs>
    </main>
  );
}

/** My follow-ups: what I promised, most overdue first; close each with a resolution. */
function MyFollowUps({ titled }: { titled: boolean }) {
  const { t } = useTranslation();
  const open = useMyFollowUps();
  const closed = useMyClosedFollowUps();
  const nav = useNavigation();
  const [completing, setCompleting] = useState<FollowUp | null>(null);
  const [snoozing, setSnoozing] = useState<FollowUp | null>(null);
  const [handing, setHanding] = useState<FollowUp | null>(null);
  const staff = useStaff();
  const people = (staff.data ?? []).map((s) => ({ id: s.id, name: s.name }));
  const list = open.data ?? [];
  const overdue = list.filter((f) => f.due_state === "overdue").length;

  const counts = (
    <p className="muted">
      {list.length === 0
        ? t("followUps.noneOpen")
        : t("followUps.openCount", { count: list.length }) +
          (overdue > 0 ? ` · ${t("followUps.overdueCount", { count: overdue })}` : "")}
    </p>
  );

  return (
    <>
      {titled ? (
        <div className="screen-head">
          <div>
            <h1 id="follow-ups-title">{t("followUps.title")}</h1>
            {counts}
          </div>
        </div>
      ) : (
        <div className="mine-counts">{counts}</div>
      )}
      {open.isSuccess && list.length === 0 ? (
        <div className="empty-state">
          <h2>{t("followUps.emptyTitle")}</h2>
          <p>{t("followUps.emptyHelp")}</p>
        </div>
      ) : (
        <section className="card">
          <ul className="follow-up-list" data-testid="my-follow-ups">
            {list.map((f) => (
              <li key={f.id} className={`follow-up-row due-${f.due_state}`} data-testid="follow-up-row">
                <span className={`due-chip due-${f.due_state}`} title={absoluteTime(f.due_at)}>
                  {t(`due.${f.due_state}`, { when: relativeTime(f.due_at) })}
                </span>
                <div className="follow-up-main">
                  <FollowUpHeadline followUp={f} />
                  <div className="muted small">
                    {f.customer ? (
                      <Button
                        className="link-button"
                        onPress={() => f.customer && nav.go({ name: "customer", id: f.customer.id })}
                      >
                        {f.customer.name}
                      </Button>
                    ) : (
                      t("followUps.noCustomer")
                    )}
                    <span className="sep">·</span>
                    {t("followUps.promisedBy", { name: f.created_by, when: relativeTime(f.created_at) })}
                  </div>
                  <FollowUpContactLine followUp={f} />
                  <LastChangeLine followUp={f} />
                </div>
                <div className="follow-up-actions">
                  <Button className="button quiet" onPress={() => setSnoozing(f)} data-testid="snooze-follow-up-button">
                    {t("followUps.snooze")}
                  </Button>
                  <Button className="button quiet" onPress={() => setHanding(f)} data-testid="hand-over-follow-up-button">
                    {t("followUps.handOver")}
                  </Button>
                  <Button className="button" onPress={() => setCompleting(f)} data-testid="complete-follow-up-button">
                    {t("followUps.complete")}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(closed.data ?? []).length > 0 ? (
        <section className="card closed-list" aria-labelledby="closed-title">
          <h2 id="closed-title" className="card-title">
            {t("followUps.recentlyClosed")}
          </h2>
          <ul className="follow-up-list">
            {(closed.data ?? []).map((f) => (
              <li key={f.id} className="follow-up-row closed" data-testid="closed-follow-up-row">
                <span className="due-chip due-closed">{t(`followUps.status.${f.status}`)}</span>
                <div className="follow-up-main">
                  <div className="follow-up-promise">“{f.promise}”</div>
                  <div className="muted small">
                    {f.customer?.name ?? t("followUps.noCustomer")}
                    {f.resolution ? (
                      <>
                        <span className="sep">·</span>
                        {f.resolution}
                      </>
                    ) : null}
                  </div>
                </div>
                {f.feeling_after ? <FeelingBadge feeling={f.feeling_after} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {completing ? <CompleteFollowUpDialog followUp={completing} onClose={() => setCompleting(null)} /> : null}
      {snoozing ? <SnoozeDialog followUp={snoozing} onClose={() => setSnoozing(null)} /> : null}
      {handing ? <HandOverDialog followUp={handing} people={people} onClose={() => setHanding(null)} /> : null}
    </>
  );
}
