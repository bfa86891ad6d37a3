import { useEffect, useRef, useState } from "react";
import {
  Autocomplete,
  Header,
  Input,
  Keyboard,
  ListBox,
  ListBoxItem,
  ListBoxSection,
  SearchField,
  Label,
} from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useCustomerSearch } from "../api/customers";
import type { CustomerHit, ServerCustomer } from "../bindings";
import { relativeTime } from "../format";
import { useNavigation } from "../navigation";
import { initials } from "../components/initials";
import { Highlight, type MatchMode } from "./Highlight";
import { ServerHitRow, ServerNote, useServerResults } from "./ServerResults";

const CREATE = "__create__";
const SERVER = "server:";

type Item = { id: string; hit?: CustomerHit };

/** Search as you type. Arrows move, Enter opens the highlighted customer (the first one if
 * none is highlighted) or, when nobody matches, starts creating one from what was typed.
 * When nobody on this desk matches and the desk is connected, customers at other stores are
 * listed below; choosing one brings them onto this desk. */
export function SearchBox() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const search = useCustomerSearch(query, open);
  const hits = search.data ?? [];
  const typed = query.trim();
  const inputRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  // Enter reaches both the field and the highlighted item: act once per choice.
  const chosen = useRef<string | null>(null);
  const { registerSearchInput } = nav;
  useEffect(() => {
    registerSearchInput(inputRef.current);
    return () => registerSearchInput(null);
  }, [registerSearchInput]);

  const items: Item[] = hits.map((hit) => ({ id: hit.customer.id, hit }));
  const showCreate = typed.length > 0;
  const localEmpty = open && search.isSuccess && !search.isPlaceholderData && hits.length === 0;
  const server = useServerResults(typed, localEmpty);
  const [opening, setOpening] = useState<ServerCustomer | null>(null);

  function done() {
    setQuery("");
    setOpen(false);
    setOpening(null);
    nav.blurSearch();
  }

  function choose(key: string) {
    if (chosen.current === key) return;
    if (key.startsWith(SERVER)) {
      const picked = server.results.find((c) => c.customer_id === key.slice(SERVER.length));
      if (!picked || server.open.isPending) return;
      chosen.current = key;
      setOpening(picked);
      server.open.mutate(picked.customer_id, {
        onSuccess: (page) => {
          nav.go({ name: "customer", id: page.customer.id });
          done();
        },
        onError: () => {
          chosen.current = null;
        },
      });
      return;
    }
    chosen.current = key;
    if (key === CREATE) {
      nav.newCustomer(typed);
    } else {
      nav.go({ name: "customer", id: key });
    }
    done();
  }

  function submit() {
    // The highlighted item (arrows move it; typing highlights the first) is what Enter means.
    const highlighted = panelRef.current?.querySelector<HTMLElement>("[role=option][data-focused]")?.dataset.key;
    if (highlighted) {
      choose(highlighted);
      return;
    }
    const first = typed && hits.length > 0 && hits[0]?.matched_on !== "recent" ? hits[0] : undefined;
    if (first) choose(first.customer.id);
    else if (typed) choose(CREATE);
  }

  return (
    <div
      className="search"
      onFocus={() => {
        chosen.current = null;
        setOpen(true);
      }}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
      // Capture: the combo box handles Esc itself (closing its list) and stops it there, so
      // the box kept the focus and the next "/" typed a slash into it.
      onKeyDownCapture={(e) => {
        // Esc leaves search (and does not also navigate back a level).
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          setQuery("");
          setOpen(false);
          nav.blurSearch();
        }
      }}
    >
      <Autocomplete
        inputValue={query}
        onInputChange={(q) => {
          setQuery(q);
          setOpening(null);
          chosen.current = null;
        }}
      >
        <SearchField
          className="search-field"
          aria-label={t("search.label")}
          onSubmit={submit}
        >
          <Label className="visually-hidden">{t("search.label")}</Label>
          <svg className="search-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
            <path d="M12.6 12.6 L17 17" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
          <Input
            ref={inputRef}
            className="search-input"
            placeholder={t("search.placeholder")}
            data-testid="search-input"
          />
          <Keyboard className="kbd search-kbd">/</Keyboard>
        </SearchField>
        {open ? (
          // Keep focus in the input when an item is clicked, so the click lands.
          <div
            className="search-panel"
            ref={panelRef}
            onMouseDown={(e) => e.preventDefault()}
            data-testid="search-results"
            // What the shown results answer (tests wait for it before pressing Enter).
            data-for={search.isSuccess && !search.isPlaceholderData ? typed : undefined}
          >
            <ListBox
              aria-label={typed ? t("search.results") : t("search.recent")}
              className="search-list"
              onAction={(key) => choose(String(key))}
              renderEmptyState={() => <div className="search-empty">{t("search.noneYet")}</div>}
            >
              {items.length > 0 ? (
                <ListBoxSection>
                  <Header className="search-section">{typed ? t("search.results") : t("search.recent")}</Header>
                  {items.map((item) => (
                    <ListBoxItem
                      key={item.id}
                      id={item.id}
                      textValue={item.hit?.customer.name}
                      className="search-item"
                    >
                      {item.hit ? <HitRow hit={item.hit} query={typed} /> : null}
                    </ListBoxItem>
                  ))}
                </ListBoxSection>
              ) : null}
              {showCreate ? (
                <ListBoxSection>
                  {items.length === 0 ? (
                    <Header className="search-section search-nobody">{t("search.nobody", { query: typed })}</Header>
                  ) : null}
                  <ListBoxItem id={CREATE} textValue={typed} className="search-item search-create">
                    <span className="plus" aria-hidden="true">
                      +
                    </span>
                    <span>{t("search.create", { query: typed })}</span>
                  </ListBoxItem>
                </ListBoxSection>
              ) : null}
              {server.results.length > 0 ? (
                <ListBoxSection>
                  <Header className="search-section">{t("search.otherStores")}</Header>
                  {server.results.map((c) => (
                    <ListBoxItem
                      key={c.customer_id}
                      id={SERVER + c.customer_id}
                      textValue={c.name}
                      className="search-item"
                      data-testid="server-result"
                    >
                      <ServerHitRow customer={c} />
                    </ListBoxItem>
                  ))}
                </ListBoxSection>
              ) : null}
            </ListBox>
            {server.asking || opening ? <ServerNote server={server} opening={opening} /> : null}
          </div>
        ) : null}
      </Autocomplete>
    </div>
  );
}

/** The contact detail that says why a customer matched: the phone, email or card number that
 * was typed; else their first phone and email. */
function contactFor(hit: CustomerHit, query: string): { text: string; mode: MatchMode } | null {
  const c = hit.customer;
  const digits = query.replace(/\D/g, "");
  switch (hit.matched_on) {
    case "loyalty_id":
      return c.loyalty_id ? { text: c.loyalty_id, mode: digits.length >= 3 ? "digits" : "text" } : null;
    case "external_id":
      return c.external_id ? { text: c.external_id, mode: "text" } : null;
    case "phone":
    case "phone_digits": {
      const phone = c.phones.find((p) => p.display.replace(/\D/g, "").includes(digits.slice(-6))) ?? c.phones[0];
      return phone ? { text: phone.display, mode: "digits" } : null;
    }
    case "email":
    case "email_prefix": {
      const email = c.emails.find((e) => e.toLowerCase().includes(query.trim().toLowerCase())) ?? c.emails[0];
      return email ? { text: email, mode: "text" } : null;
    }
    default:
      return null;
  }
}

function HitRow({ hit, query }: { hit: CustomerHit; query: string }) {
  const { t } = useTranslation();
  const c = hit.customer;
  const matched = contactFor(hit, query);
  const contact = [c.phones[0]?.display, c.emails[0]].filter(Boolean).join(" · ");
  return (
    <>
      <span className="avatar" aria-hidden="true">
        {initials(c.name)}
      </span>
      <span className="hit-main">
        <span className="hit-name">
          {hit.matched_on === "name" ? <Highlight text={c.name} query={query} mode="words" /> : c.name}
        </span>
        <span className="hit-contact">
          {matched ? <Highlight text={matched.text} query={query} mode={matched.mode} /> : contact || t("customer.contactNone")}
        </span>
      </span>
      <span className="hit-meta">
        {c.last_seen_at ? t("search.lastSeen", { when: relativeTime(c.last_seen_at) }) : t("search.neverSeen")}
      </span>
    </>
  );
}
