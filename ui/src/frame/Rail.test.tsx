import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { mockBackend, renderWithDesk } from "../test/render";
import { coaching, deskAs, praise } from "../test/reviews";
import { ACTIONS } from "../actions";
import { Rail } from "./Rail";

describe("Rail", () => {
  it("hides the Review room from frontline staff but shows them My reviews", async () => {
    mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    renderWithDesk(<Rail />);
    // The follow-up count comes with the desk: once it shows, the rail knows the role.
    await screen.findByLabelText("1 open follow-up");
    expect(screen.getByTestId("rail-my-reviews")).toHaveTextContent("My reviews");
    expect(screen.queryByTestId("rail-review")).toBeNull();
  });

  it("shows the Review room to supervisors and administrators", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor") });
    const { unmount } = renderWithDesk(<Rail />);
    expect(await screen.findByTestId("rail-review")).toHaveTextContent("Review");
    unmount();
    mockBackend({ desk_info: () => deskAs("admin") });
    renderWithDesk(<Rail />);
    expect(await screen.findByTestId("rail-review")).toBeInTheDocument();
  });

  it("numbers its rooms in the order of their Ctrl+digit shortcuts", async () => {
    mockBackend({ desk_info: () => deskAs("admin") });
    renderWithDesk(<Rail />);
    await screen.findByTestId("rail-audit");
    const rooms = [...document.querySelectorAll<HTMLElement>("[data-testid^=rail-]")]
      .map((el) => el.dataset.testid?.slice("rail-".length))
      .filter((id): id is string => id !== undefined);
    const byDigit = ACTIONS.filter((a) => a.ctrl && /^\d$/.test(a.key ?? ""))
      .sort((a, b) => Number(a.key) - Number(b.key))
      .map((a) => a.id);
    expect(rooms.filter((r) => byDigit.includes(r))).toEqual(byDigit);
  });

  it("counts the reviews waiting to be acknowledged on My reviews", async () => {
    mockBackend({
      desk_info: () => deskAs("frontline"),
      my_reviews: () => [coaching, { ...coaching, id: "rev-2" }, praise],
    });
    renderWithDesk(<Rail />);
    const badge = await screen.findByLabelText("2 reviews to acknowledge");
    expect(badge).toHaveTextContent("2");
    expect(screen.getByTestId("rail-my-reviews")).toContainElement(badge);
  });
});
