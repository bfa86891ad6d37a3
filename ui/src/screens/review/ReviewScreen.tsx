import { useEffect, useRef, useState } from "react";
import { Button, Checkbox, GridList, GridListItem } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview, isFrontlineDesk } from "../../actions";
import { errorMessage } from "../../api/commands";
import { useDeskInfo, useStaff, useStores, useTouchPoints } from "../../api/desk";
import { useReviewQueue } from "../../api/reviews";
import type { Feeling, Outcome, QueueItem, ReviewKind, ScoreSignal } from "../../bindings";
import { Choice } from "../../components/Choice";
import { ChosenDates } from "../../components/ChosenDates";
import { FEELINGS } from "../../components/FeelingScale";
import { OUTCOMES } from "../../components/FormParts";
import { absoluteTime, relativeTime } from "../../format";
import { ConversationTags } from "./ConversationTags";
import {
  DEFAULT_FILTERS,
  PERIODS,
  QUEUE_LIMIT,
  SAMPLE_SIZE,
  SIGNALS,
  choosePeriod,
  differsFromDefaults,
  nextInQueue,
  presetFilters,
  toQueueFilter,
  type Period,
  type QueueFilters,
  type ReviewPreset,
} from "./queueFilter";
import { ReviewDialog, ReviewSavedDialog } from "./ReviewDialog";
import "./review.css";

const ANY = "__any__";

/** Review: the conversations to look at, filtered, newest first or a random sample; arrows
 * move through the list and Enter opens the review of the focused one. `preset`: the filters
 * another room opened it with (the conversations behind an Insight bar or cell). */
export function ReviewScreen({ preset = null }: { preset?: ReviewPreset | null }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const allowed = canReview(desk.data?.staff.role);
  const [filters, setFilters] = useState<QueueFilters>(() => presetFilters(preset));
  const [draw, setDraw] = useState(0);
  const queue = useReviewQueue(toQueueFilter(filters), filters.sample ? draw : 0, allowed);
  const [reviewing, setReviewing] = useState<QueueItem | null>(null);
  // The review just saved, and the queue as it stood when the person started on it: "next"
  // is the row after it that was not reviewed in this sitting, even if the saved one has
  // since left the list (a not-yet-reviewed filter drops it).
  const [saved, setSaved] = useState<{ item: QueueItem; kind: ReviewKind; next: QueueItem | null } | null>(null);
  const doneHere = useRef(new Set<string>());
  const list = useRef<HTMLDivElement>(null);
  const items = queue.data ?? [];

  // Arrow keys from outside the list (the rail, the page) step into it: keyboard first.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || (e.key !== "ArrowDown" && e.key !== "ArrowUp") || e.ctrlKey || e.metaKey || e.altKey) return;
      const active = document.activeElement;
      const busy =
        active instanceof HTMLElement &&
        active !== document.body &&
        active.closest("input, textarea, select, [role=grid], [role=dialog], [role=listbox], [role=menu], .queue-filters");
      if (busy) return;
      const row = list.current?.querySelector<HTMLElement>("[role=row]");
      if (!row) return;
      e.preventDefault();
      row.focus();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (!desk.isSuccess) {
    return (
      <main className="screen review" aria-labelledby="review-title" data-testid="review-screen">
        <div className="screen-head">
          <h1 id="review-title">{t("review.title")}</h1>
        </div>
      </main>
    );
  }

  if (!allowed) {
    return (
      <main className="screen review" aria-labelledby="review-title" data-testid="review-screen">
        <div className="empty-state">
          <h2 id="review-title">{t("review.notAllowedTitle")}</h2>
          <p>{t("review.notAllowed")}</p>
        </div>
      </main>
    );
  }

  const set = <K extends keyof QueueFilters>(key: K, value: QueueFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const changed = differsFromDefaults(filters);
  const waiting = queue.isFetching && (queue.isPlaceholderData || !queue.data);

  return (
    <main className="screen review" aria-labelledby="review-title" data-testid="review-screen">
      <div className="screen-head">
        <div>
          <h1 id="review-title">{t("review.title")}</h1>
          <p className="muted" aria-live="polite" data-testid="queue-count">
            {waiting
              ? t("review.loading")
              : filters.sample
                ? t("review.sampleCount", { count: items.length })
                : t("review.count", { count: items.length })}
          </p>
        </div>
        <div className="queue-head-actions">
          {filters.sample ? (
            <>
              <Button className="button" onPress={() => setDraw((d) => d + 1)} data-testid="queue-new-sample">
                {t("review.newSample")}
              </Button>
              <Button className="button" onPress={() => set("sample", false)} data-testid="queue-newest">
                {t("review.backToNewest")}
              </Button>
            </>
          ) : (
            <Button
              className="button"
              onPress={() => {
                setDraw((d) => d + 1);
                set("sample", true);
              }}
              data-testid="queue-sample"
            >
              {t("review.sample", { size: SAMPLE_SIZE })}
            </Button>
          )}
        </div>
      </div>

      <FilterBar filters={filters} setFilters={setFilters} />

      {isFrontlineDesk(desk.data.device_role) ? (
        <p className="muted small queue-note" role="note" data-testid="frontline-desk-note">
          {t("review.frontlineDesk")}
        </p>
      ) : null}

      {queue.isError ? (
        <p className="field-error" role="alert">
          {t("review.loadFailed", { message: errorMessage(queue.error) })}
        </p>
      ) : queue.isSuccess && items.length === 0 && !waiting && filters.staffId === desk.data.staff.id && !filters.includeOwn ? (
        <div className="empty-state" data-testid="queue-empty">
          <h2>{t("review.ownWorkTitle")}</h2>
          <p>{t("review.ownWorkHelp")}</p>
          <Button className="button" onPress={() => set("staffId", null)}>
            {t("review.allStaff")}
          </Button>
        </div>
      ) : queue.isSuccess && items.length === 0 && !waiting ? (
        <div className="empty-state" data-testid="queue-empty">
          <h2>
            {filters.unreviewedOnly
              ? t("review.emptyUnreviewedTitle")
              : changed
                ? t("review.emptyFilteredTitle")
                : t("review.emptyTitle")}
          </h2>
          <p>
            {filters.unreviewedOnly
              ? t("review.emptyUnreviewedHelp")
              : changed
                ? t("review.emptyFilteredHelp")
                : t("review.emptyHelp")}
          </p>
          {changed ? (
            <Button className="button" onPress={() => setFilters((f) => ({ ...DEFAULT_FILTERS, sample: f.sample }))}>
              {t("review.clearFilters")}
            </Button>
          ) : null}
        </div>
      ) : (
        <section className="card queue" aria-busy={waiting || undefined}>
          <GridList
            ref={list}
            aria-label={t("review.listLabel")}
            className="queue-list"
            items={items}
            disallowTypeAhead
            disabledKeys={items.filter((i) => i.staff.id === desk.data.staff.id).map((i) => i.interaction_id)}
            disabledBehavior="selection"
            onAction={(key) => {
              const item = items.find((i) => i.interaction_id === key);
              // Nobody reviews their own conversation: it is listed (it is behind the figure), not opened.
              if (item && item.staff.id !== desk.data.staff.id) setReviewing(item);
            }}
          >
            {(item) => (
              <GridListItem
                id={item.interaction_id}
                textValue={[item.customer?.name ?? t("review.walkIn"), item.reason ?? "", item.staff.name].join(", ")}
                className="queue-item"
                data-testid="queue-item"
                data-reviewed={item.reviews > 0 || undefined}
                data-own={item.staff.id === desk.data.staff.id || undefined}
              >
                <QueueRow item={item} own={item.staff.id === desk.data.staff.id} />
              </GridListItem>
            )}
          </GridList>
          {!filters.sample && items.length >= QUEUE_LIMIT ? (
            <p className="queue-more muted small">{t("review.more", { limit: QUEUE_LIMIT })}</p>
          ) : null}
        </section>
      )}
      {reviewing ? (
        <ReviewDialog
          key={reviewing.interaction_id}
          item={reviewing}
          onClose={() => setReviewing(null)}
          onSaved={(review) => {
            doneHere.current.add(reviewing.interaction_id);
            setSaved({ item: reviewing, kind: review.kind, next: nextInQueue(items, reviewing, doneHere.current) });
            setReviewing(null);
          }}
        />
      ) : null}
      {saved ? (
        <ReviewSavedDialog
          item={saved.item}
          kind={saved.kind}
          next={saved.next}
          onNext={(next) => {
            setSaved(null);
            setReviewing(next);
          }}
          onClose={() => setSaved(null)}
        />
      ) : null}
    </main>
  );
}

function FilterBar({
  filters,
  setFilters,
}: {
  filters: QueueFilters;
  setFilters: (update: (f: QueueFilters) => QueueFilters) => void;
}) {
  const { t } = useTranslation();
  const touchPoints = useTouchPoints();
  const staff = useStaff();
  const stores = useStores();
  const set = <K extends keyof QueueFilters>(key: K, value: QueueFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const orNull = <T extends string>(v: string) => (v === ANY ? null : (v as T));

  return (
    <div className="queue-filters" role="group" aria-label={t("review.filters")}>
      {(stores.data?.length ?? 0) > 1 ? (
        <div className="queue-filter" data-active={filters.store !== null || undefined}>
          <Choice
            label={t("review.store")}
            hideLabel
            compact
            name="queue_store"
            value={filters.store?.id ?? ANY}
            options={[
              { id: ANY, label: t("review.allStores") },
              ...(stores.data ?? []).map((s) => ({ id: s.id, label: s.name })),
            ]}
            onChange={(v) => {
              const store = stores.data?.find((s) => s.id === v);
              set("store", store ? { id: store.id, name: store.name } : null);
            }}
          />
        </div>
      ) : filters.store ? (
        <FilterChip
          testId="queue-store-filter"
          label={t("review.storeFilter", { name: filters.store.name })}
          clearLabel={t("review.clearStore", { name: filters.store.name })}
          onClear={() => set("store", null)}
        />
      ) : null}
      {filters.includeOwn ? (
        <FilterChip
          testId="queue-own-filter"
          label={t("review.includingOwn")}
          clearLabel={t("review.clearOwn")}
          onClear={() => set("includeOwn", false)}
        />
      ) : null}
      {filters.reason !== null ? (
        <FilterChip
          testId="queue-reason-filter"
          label={t("review.reasonFilter", { reason: filters.reason || t("insight.noReason") })}
          clearLabel={t("review.clearReason")}
          onClear={() => set("reason", null)}
        />
      ) : null}
      <div className="queue-filter" data-active={filters.touchPointId !== null || undefined}>
        <Choice
          label={t("review.touchPoint")}
          hideLabel
          compact
          name="queue_touch_point"
          value={filters.touchPointId ?? ANY}
          options={[
            { id: ANY, label: t("review.allTouchPoints") },
            ...(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name })),
          ]}
          onChange={(v) => set("touchPointId", orNull(v))}
        />
      </div>
      <div className="queue-filter" data-active={filters.staffId !== null || undefined}>
        <Choice
          label={t("review.staff")}
          hideLabel
          compact
          name="queue_staff"
          value={filters.staffId ?? ANY}
          options={[
            { id: ANY, label: t("review.allStaff") },
            ...(staff.data ?? []).map((s) => ({ id: s.id, label: s.name })),
          ]}
          onChange={(v) => set("staffId", orNull(v))}
        />
      </div>
      <div className="queue-filter" data-active={filters.period !== DEFAULT_FILTERS.period || undefined}>
        <Choice<Period>
          label={t("review.period")}
          hideLabel
          compact
          name="queue_period"
          value={filters.period}
          options={PERIODS.map((p) => ({ id: p, label: t(`review.periods.${p}`) }))}
          onChange={(p) => setFilters((f) => choosePeriod(f, p, 7))}
        />
      </div>
      {filters.period === "custom" ? (
        <ChosenDates
          name="queue"
          from={filters.customFrom}
          to={filters.customTo}
          onFrom={(d) => set("customFrom", d)}
          onTo={(d) => set("customTo", d)}
        />
      ) : null}
      <div className="queue-filter" data-active={filters.feeling !== null || undefined}>
        <Choice
          label={t("review.feeling")}
          hideLabel
          compact
          name="queue_feeling"
          value={filters.feeling ?? ANY}
          options={[
            { id: ANY, label: t("review.anyFeeling") },
            ...FEELINGS.map((f) => ({ id: f, label: t(`feeling.${f}`) })),
          ]}
          onChange={(v) => set("feeling", orNull<Feeling>(v))}
        />
      </div>
      <div className="queue-filter" data-active={filters.signal !== null || undefined}>
        <Choice
          label={t("review.signal")}
          hideLabel
          compact
          name="queue_signal"
          value={filters.signal ?? ANY}
          options={[
            { id: ANY, label: t("review.anyScore") },
            ...SIGNALS.map((s) => ({ id: s, label: t(`review.signals.${s}`) })),
          ]}
          onChange={(v) => set("signal", orNull<ScoreSignal>(v))}
        />
      </div>
      <div className="queue-filter" data-active={filters.outcome !== null || undefined}>
        <Choice
          label={t("review.outcome")}
          hideLabel
          compact
          name="queue_outcome"
          value={filters.outcome ?? ANY}
          options={[
            { id: ANY, label: t("review.anyOutcome") },
            ...OUTCOMES.map((o) => ({ id: o, label: t(`outcome.${o}`) })),
          ]}
          onChange={(v) => set("outcome", orNull<Outcome>(v))}
        />
      </div>
      <Checkbox
        className="checkbox queue-unreviewed"
        isSelected={filters.unreviewedOnly}
        onChange={(v) => set("unreviewedOnly", v)}
        data-testid="queue-unreviewed"
      >
        <span className="box" aria-hidden="true" />
        {t("review.unreviewedOnly")}
      </Checkbox>
      {differsFromDefaults(filters) ? (
        <Button
          className="link-button queue-clear"
          onPress={() => setFilters((f) => ({ ...DEFAULT_FILTERS, sample: f.sample }))}
          data-testid="queue-clear"
        >
          {t("review.clearFilters")}
        </Button>
      ) : null}
    </div>
  );
}

/** One conversation, dense like a mail list: when, who, what, how it went, reviews so far. */
function QueueRow({ item, own }: { item: QueueItem; own: boolean }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const place = [item.touch_point, t(`channel.${item.channel}`)];
  if (desk.data && item.store !== desk.data.store.name) place.push(item.store);
  return (
    <div className="queue-row">
      <time className="queue-time" dateTime={item.occurred_at} title={absoluteTime(item.occurred_at)}>
        {relativeTime(item.occurred_at)}
      </time>
      <div className="queue-who">
        <span className="queue-customer">{item.customer?.name ?? t("review.walkIn")}</span>
        <span className="queue-staff">{t("review.withStaff", { name: item.staff.name })}</span>
      </div>
      <div className="queue-what">
        <span className="queue-line">
          <span className="queue-reason">{item.reason ?? t("review.noReason")}</span>
          {item.summary ? <span className="queue-summary"> — {item.summary}</span> : null}
        </span>
        <span className="queue-place">{place.join(" · ")}</span>
      </div>
      <div className="queue-tags">
        <ConversationTags item={item} />
      </div>
      <span className="queue-reviews" data-testid="queue-reviews">
        {own ? t("review.yours") : item.reviews === 0 ? t("review.notReviewed") : t("review.reviewCount", { count: item.reviews })}
      </span>
    </div>
  );
}

/** A filter the supervisor arrived with (from Insight) that the bar has no control for: what
 * it is, and a button to drop it. */
function FilterChip({
  label,
  clearLabel,
  onClear,
  testId,
}: {
  label: string;
  clearLabel: string;
  onClear: () => void;
  testId: string;
}) {
  return (
    <span className="filter-chip" data-testid={testId}>
      {label}
      <Button className="filter-chip-clear" aria-label={clearLabel} onPress={onClear}>
        <svg viewBox="0 0 20 20" width="12" height="12" aria-hidden="true">
          <path d="M5 5l10 10M15 5 5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </Button>
    </span>
  );
}
