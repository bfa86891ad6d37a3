import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect } from "react";
import { describe, expect, it } from "vitest";

import { useNavigation } from "../navigation";
import { Refusal, connectedSync, mockBackend, renderWithDesk } from "../test/render";
import { ConnectDialog } from "./ConnectDialog";

function Opened() {
  const nav = useNavigation();
  const { setOverlay } = nav;
  useEffect(() => setOverlay("connect"), [setOverlay]);
  return (
    <>
      {nav.overlay === "connect" ? <ConnectDialog /> : null}
      <output data-testid="overlay">{String(nav.overlay)}</output>
    </>
  );
}

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByTestId("connect-url"), "sync.example.com");
  await user.type(screen.getByTestId("connect-code"), "ABCD-0000");
  await user.type(screen.getByTestId("connect-name"), "Returns desk PC");
}

describe("ConnectDialog", () => {
  it("shows a refused code next to the code field and keeps everything typed", async () => {
    mockBackend({
      connect_server: () =>
        new Refusal({
          kind: "validation",
          message: "The enrollment code was not accepted.",
          fields: [{ field: "code", message: "This code is not valid or was already used." }],
        }),
    });
    const user = userEvent.setup();
    renderWithDesk(<Opened />);
    await fill(user);
    await user.click(screen.getByTestId("connect-submit"));

    const code = screen.getByTestId("connect-code");
    await waitFor(() => expect(code).toHaveAttribute("aria-invalid", "true"));
    const field = code.closest(".text-field") as HTMLElement;
    expect(within(field).getByText("This code is not valid or was already used.")).toBeInTheDocument();
    expect(screen.getByTestId("connect-url")).toHaveValue("sync.example.com");
    expect(code).toHaveValue("ABCD-0000");
    expect(screen.getByTestId("connect-name")).toHaveValue("Returns desk PC");
    expect(screen.getByTestId("connect-dialog")).toBeInTheDocument();
  });

  it("says an unreachable server under the form, keeping what was typed", async () => {
    mockBackend({
      connect_server: () => new Refusal({ kind: "offline", message: "The server cannot be reached right now." }),
    });
    const user = userEvent.setup();
    renderWithDesk(<Opened />);
    await fill(user);
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("connect-error")).toHaveTextContent(
      "Not connected: The server cannot be reached right now.",
    );
    expect(screen.getByTestId("connect-code")).toHaveValue("ABCD-0000");
  });

  it("connects with Enter, sends what was typed and closes", async () => {
    const calls = mockBackend({ connect_server: () => connectedSync });
    const user = userEvent.setup();
    renderWithDesk(<Opened />);
    await fill(user);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("overlay")).toHaveTextContent("null"));
    expect(calls.find((c) => c.cmd === "connect_server")?.args).toEqual({
      serverUrl: "sync.example.com",
      code: "ABCD-0000",
      deviceName: "Returns desk PC",
      allowUnencrypted: false,
    });
  });

  it("offers to allow an unencrypted connection once the desk refused one, and sends the choice", async () => {
    let refused = false;
    const calls = mockBackend({
      connect_server: (args) => {
        if (args.allowUnencrypted) return connectedSync;
        refused = true;
        const message = "Use https:// for a server outside this network.";
        return new Refusal({ kind: "validation", message, fields: [{ field: "server_url", message }] });
      },
    });
    const user = userEvent.setup();
    renderWithDesk(<Opened />);
    await fill(user);
    const url = screen.getByTestId("connect-url");
    await user.clear(url);
    await user.type(url, "http://sync.example.com");
    expect(screen.queryByTestId("connect-unencrypted")).toBeNull();
    await user.click(screen.getByTestId("connect-submit"));
    expect(await screen.findByText("Use https:// for a server outside this network.")).toBeInTheDocument();
    expect(refused).toBe(true);
    await user.click(screen.getByTestId("connect-unencrypted"));
    await user.click(screen.getByTestId("connect-submit"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "connect_server").map((c) => c.args.allowUnencrypted)).toEqual([false, true]),
    );
  });
});
