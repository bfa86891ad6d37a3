import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { actionsFor } from "./actions";
import { CommandError, errorMessage } from "./api/commands";
import { useDeskInfo } from "./api/desk";
import { CommandPalette } from "./frame/CommandPalette";
import { ConnectDialog } from "./frame/ConnectDialog";
import { HelpOverlay } from "./frame/HelpOverlay";
import { NoticeRegion } from "./components/NoticeRegion";
import { Rail } from "./frame/Rail";
import { SignInBanner } from "./frame/SignInBanner";
import { StartupGate } from "./frame/StartupGate";
import { SyncPanel } from "./frame/SyncPanel";
import { TopBar } from "./frame/TopBar";
import { setStoreRegion } from "./i18n";
import { NavigationProvider, useNavigation, type Route } from "./navigation";
import { AuditScreen } from "./screens/audit/AuditScreen";
import { CustomerScreen } from "./screens/customer/CustomerScreen";
import { FollowUpsScreen } from "./screens/follow-ups/FollowUpsScreen";
import { HomeScreen } from "./screens/home/HomeScreen";
import { ImportScreen } from "./screens/import/ImportScreen";
import { InsightScreen } from "./screens/insight/InsightScreen";
import { DuplicatesScreen } from "./screens/duplicates/DuplicatesScreen";
import { MyReviewsScreen } from "./screens/my-reviews/MyReviewsScreen";
import { NewCustomerDialog } from "./screens/new-customer/NewCustomerDialog";
import { ReviewScreen } from "./screens/review/ReviewScreen";
import { WalkInScreen } from "./screens/walk-in/WalkInScreen";
import { useShortcuts } from "./shortcuts";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Local data: no background refetch storms, no retry on a typed refusal. What no screen
      // shows is dropped after a minute (not React Query's five): asking the desk again is
      // instant, and a day of customers opened one after another must not pile up in the page.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0, gcTime: 60_000 },
      mutations: { retry: false },
    },
  });
}

export function App({ client, initialRoute }: { client?: QueryClient; initialRoute?: Route }) {
  const [fallback] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client ?? fallback}>
      <NavigationProvider initial={initialRoute}>
        <StartupGate>
          <Desk />
        </StartupGate>
      </NavigationProvider>
    </QueryClientProvider>
  );
}

function Desk() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const nav = useNavigation();
  const role = desk.data?.staff.role;
  // Set while rendering, before the rooms below format a date: they follow the store's country.
  setStoreRegion(desk.data?.region);

  const shortcuts = useMemo(
    () =>
      actionsFor(role)
        .filter((a) => a.key && a.run)
        .map((a) => ({
          key: a.key as string,
          ctrl: a.ctrl,
          inFields: a.inFields,
          run: () => a.run?.(nav),
        })),
    [nav, role],
  );
  // Shortcuts are off while the customer holds the screen, or while a dialog has focus.
  useShortcuts(shortcuts, !nav.kiosk && nav.overlay === null && nav.newCustomerPrefill === null && nav.staffDialog === null);

  if (desk.isError) {
    const e = desk.error;
    return (
      <div className="fatal" role="alert">
        <h1>{t("app.cannotOpen")}</h1>
        <p>{t("app.cannotOpenHelp", { message: e instanceof CommandError ? e.error.message : errorMessage(e) })}</p>
      </div>
    );
  }

  return (
    <div className="desk">
      <TopBar />
      <SignInBanner />
      <div className="desk-main">
        <Rail />
        <Room />
      </div>
      <NewCustomerDialog />
      {nav.overlay === "palette" ? <CommandPalette /> : null}
      {nav.overlay === "help" ? <HelpOverlay /> : null}
      {nav.overlay === "sync" ? <SyncPanel /> : null}
      {nav.overlay === "connect" ? <ConnectDialog /> : null}
      <NoticeRegion />
    </div>
  );
}

function Room() {
  const nav = useNavigation();
  switch (nav.route.name) {
    case "customer":
      return <CustomerScreen key={nav.route.id} id={nav.route.id} />;
    case "follow-ups":
      return <FollowUpsScreen key={nav.route.view ?? "mine"} view={nav.route.view ?? "mine"} />;
    case "walk-in":
      return <WalkInScreen />;
    case "import":
      return <ImportScreen />;
    case "review":
      // A new preset is a new look at the queue: the room starts again from it.
      return (
        <ReviewScreen
          key={nav.route.preset ? JSON.stringify(nav.route.preset) : "default"}
          preset={nav.route.preset ?? null}
        />
      );
    case "insight":
      return <InsightScreen initial={nav.route.filters ?? null} />;
    case "my-reviews":
      return <MyReviewsScreen />;
    case "duplicates":
      return <DuplicatesScreen />;
    case "audit":
      return <AuditScreen key={nav.route.customer?.id ?? "all"} customer={nav.route.customer ?? null} />;
    default:
      return <HomeScreen />;
  }
}
