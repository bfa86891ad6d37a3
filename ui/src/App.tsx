import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { CommandError, errorMessage } from "./api/commands";
import { useDeskInfo } from "./api/hooks";
import { Rail } from "./components/Rail";
import { TopBar } from "./components/TopBar";
import { NavigationProvider, useNavigation, type Route } from "./navigation";
import { CustomerScreen } from "./screens/customer/CustomerScreen";
import { HomeScreen } from "./screens/home/HomeScreen";
import { NewCustomerDialog } from "./screens/new-customer/NewCustomerDialog";
import { useShortcuts } from "./shortcuts";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Local data: no background refetch storms, no retry on a typed refusal.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}

export function App({ client, initialRoute }: { client?: QueryClient; initialRoute?: Route }) {
  const [fallback] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client ?? fallback}>
      <NavigationProvider initial={initialRoute}>
        <Desk />
      </NavigationProvider>
    </QueryClientProvider>
  );
}

function Desk() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const nav = useNavigation();

  const shortcuts = useMemo(
    () => [
      { key: "/", run: nav.focusSearch },
      { key: "k", ctrl: true, inFields: true, run: nav.focusSearch },
      { key: "n", run: () => nav.newCustomer("") },
      { key: "Escape", run: nav.back },
    ],
    [nav],
  );
  useShortcuts(shortcuts);

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
      <div className="desk-main">
        <Rail />
        {nav.route.name === "customer" ? <CustomerScreen key={nav.route.id} id={nav.route.id} /> : <HomeScreen />}
      </div>
      <NewCustomerDialog />
    </div>
  );
}
