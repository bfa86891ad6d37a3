import { useMemo, useState } from "react";
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../../api/commands";
import { useStaff } from "../../api/desk";
import { useExportFollowUps, useFollowUpBoard } from "../../api/followUps";
import type { BoardFilter, DueState, FollowUp, NameRef } from "../../bindings";
import { Choice } from "../../components/Choice";
import { ExportButton } from "../../components/ExportButton";
import { absoluteTime, relativeTime } from "../../format";
import { useNavigation } from "../../navigation";
import { CompleteFollowUpDialog } from "./CompleteFollowUpDialog";
import { FollowUpContactLine, HandOverDialog, LastChangeLine, SnoozeDialog } from "./FollowUpChanges";
import { LoopFigures, lastDays, type LoopPeriod } from "./LoopFigures";

type OpenState = Exclude<DueState, "closed">;
const OPEN_STATES: OpenState[] = ["overdue", "due_today", "upcoming"];
const ANY = "__any__";

/** Earliest due first: the most overdue lead, then today's, then the upcoming. The desk sends
 * them in this order; sorting again keeps the promise however the list was put together. */
export function mostOverdueFirst(items: FollowUp[]): FollowUp[] {
  return [...items].sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
}

/** The store's board (supervisors): every open follow-up with its owner, reassignable and
 * closable from here, under the loop figures. Export CSV writes both: the figures for the
 * period chosen and the board as filtered. */
export function StoreBoard() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const staff = useStaff();
  const [period, setPeriod] = useState<LoopPeriod>("30");
  const [owner, setOwner] = useState<string | null>(null);
  const [state, setState] = useState<OpenState | null>(null);
  const filter: BoardFilter = useMemo(() => ({ owner_staff_id: owner, due_state: state }), [owner, state]);
  const board = useFollowUpBoard(filter, true);
  const exporter = useExportFollowUps();
  const [completing, setCompleting] = useState<FollowUp | null>(null);
  const [snoozing, setSnoozing] = useState<FollowUp | null>(null);
  const [handing, setHanding] = useState<{ followUp: FollowUp; owner: string } | null>(null);
  const items = useMemo(() => mostOverdueFirst(board.data ?? []), [board.data]);
  const overdue = items.filter((f) => f.due_state === "overdue").length;
  const filtered = owner !== null || state !== null;
  const people: NameRef[] = (staff.data ?? []).map((s) => ({ id: s.id, name: s.name }));
  const waiting = board.isFetching && (board.isPlaceholderData || !board.data);

  return (
    <div className="store-board">
      <LoopFigures
        period={period}
        onPeriodChange={setPeriod}
        action={
          <ExportButton
            exporter={exporter}
            variables={{ ...lastDays(Number(period)), filter }}
            failed={(message) => t("board.exportFailed", { message })}
            testId="follow-ups-export"
          />
        }
      />
      <section className="card board" aria-labelledby="board-title">
        <div className="card-title board-head">
          <h2 id="board-title">{t("board.title")}</h2>
          <span className="muted small board-count" aria-live="polite" data-testid="board-count">
            {waiting
              ? t("board.loading")
              : t("board.count", { count: items.length }) +
                (overdue > 0 ? ` · ${t("followUps.overdueCount", { count: overdue })}` : "")}
          </span>
          <div className="board-filters" role="group" aria-label={t("board.filters")}>
            <div className="queue-filter" data-active={owner !== null || undefined}>
              <Choice
                label={t("board.owner")}
                hideLabel
                compact
                name="board_owner"
                value={owner ?? ANY}
                options={[{ id: ANY, label: t("board.everyone") }, ...people.map((p) => ({ id: p.id, label: p.name }))]}
                onChange={(v) => setOwner(v === ANY ? null : v)}
              />
            </div>
            <div className="queue-filter" data-active={state !== null || undefined}>
              <Choice
                label={t("board.state")}
                hideLabel
                compact
                name="board_state"
                value={state ?? ANY}
                options={[
                  { id: ANY, label: t("board.anyState") },
                  ...OPEN_STATES.map((s) => ({ id: s, label: t(`board.states.${s}`) })),
                ]}
                onChange={(v) => setState(v === ANY ? null : (v as OpenState))}
              />
            </div>
          </div>
        </div>
        {board.isError ? (
          <p className="field-error board-message" role="alert">
            {t("board.loadFailed", { message: errorMessage(board.error) })}
          </p>
        ) : board.isSuccess && items.length === 0 && !waiting ? (
          <div className="empty-state board-empty" data-testid="board-empty">
            <h2>{filtered ? t("board.emptyFilteredTitle") : t("board.emptyTitle")}</h2>
            <p>{filtered ? t("board.emptyFilteredHelp") : t("board.emptyHelp")}</p>
            {filtered ? (
              <Button
                className="button"
                onPress={() => {
                  setOwner(null);
                  setState(null);
                }}
              >
                {t("review.clearFilters")}
              </Button>
            ) : null}
          </div>
        ) : (
          <ul className="board-list" data-testid="follow-up-board" aria-busy={waiting || undefined}>
            {items.map((f) => (
              <li key={f.id} className={`board-row due-${f.due_state}`} data-testid="board-item" data-state={f.due_state}>
                <span className={`due-chip due-${f.due_state}`}>{t(`board.states.${f.due_state}`)}</span>
                <time className="board-due" dateTime={f.due_at} title={absoluteTime(f.due_at)}>
                  {relativeTime(f.due_at)}
                </time>
                <div className="board-main">
                  <div className="board-line">
                    {f.customer ? (
                      <Button
                        className="link-button board-customer"
                        onPress={() => f.customer && nav.go({ name: "customer", id: f.customer.id })}
                      >
                        {f.customer.name}
                      </Button>
                    ) : (
                      <span className="board-customer">{t("followUps.noCustomer")}</span>
                    )}
                    <span className="board-promise">“{f.promise}”</span>
                  </div>
                  <div className="muted small">
                    {t("followUps.promisedBy", { name: f.created_by, when: relativeTime(f.created_at) })}
                  </div>
                  <FollowUpContactLine followUp={f} />
                  <LastChangeLine followUp={f} />
                </div>
                <OwnerSelect followUp={f} people={people} onChoose={(owner) => setHanding({ followUp: f, owner })} />
                <Button className="button small quiet" onPress={() => setSnoozing(f)} data-testid="board-snooze">
                  {t("followUps.snooze")}
                </Button>
                <Button className="button small" onPress={() => setCompleting(f)} data-testid="board-complete">
                  {t("followUps.complete")}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {completing ? <CompleteFollowUpDialog followUp={completing} onClose={() => setCompleting(null)} /> : null}
      {snoozing ? <SnoozeDialog followUp={snoozing} onClose={() => setSnoozing(null)} /> : null}
      {handing ? (
        <HandOverDialog
          followUp={handing.followUp}
          people={people}
          initialOwner={handing.owner}
          onClose={() => setHanding(null)}
        />
      ) : null}
    </div>
  );
}

/** Who owns the follow-up; choosing someone else asks why, then hands it to them. */
function OwnerSelect({
  followUp,
  people,
  onChoose,
}: {
  followUp: FollowUp;
  people: NameRef[];
  onChoose: (owner: string) => void;
}) {
  const { t } = useTranslation();
  const options = people.some((p) => p.id === followUp.owner.id) ? people : [followUp.owner, ...people];

  return (
    <div className="board-owner">
      <Select
        className="choice"
        selectedKey={followUp.owner.id}
        onSelectionChange={(k) => {
          if (k === null || String(k) === followUp.owner.id) return;
          onChoose(String(k));
        }}
      >
        <Label className="visually-hidden">{t("board.ownerOf", { promise: followUp.promise })}</Label>
        <Button className="select-button quiet" data-testid="reassign">
          <span className="board-owner-label" aria-hidden="true">
            {t("board.ownerShort")}
          </span>
          <SelectValue />
          <span aria-hidden="true" className="chevron">
            ▾
          </span>
        </Button>
        <Popover className="popover">
          <ListBox className="menu-list" items={options}>
            {(p) => (
              <ListBoxItem id={p.id} className="menu-item" textValue={p.name}>
                {p.name}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </Select>
    </div>
  );
}
