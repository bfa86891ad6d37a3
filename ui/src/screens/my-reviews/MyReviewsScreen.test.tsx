import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Review } from "../../bindings";
import { mockBackend, renderWithDesk } from "../../test/render";
import { coaching, deskAs, praise } from "../../test/reviews";
import { MyReviewsScreen } from "./MyReviewsScreen";

describe("My reviews", () => {
  it("lists the reviews to acknowledge first, with kind, reviewer, conversation, comment and scores", async () => {
    // The acknowledged one comes first from the backend: the screen still puts the unread first.
    mockBackend({ desk_info: () => deskAs("frontline"), my_reviews: () => [praise, coaching] });
    renderWithDesk(<MyReviewsScreen />);
    const items = await screen.findAllByTestId("my-review");
    expect(items).toHaveLength(2);
    const [first, second] = items as [HTMLElement, HTMLElement];
    expect(first).toHaveAttribute("data-kind", "coaching");
    expect(first).toHaveTextContent("Coaching");
    expect(first).toHaveTextContent("by Priya Shah");
    expect(first).toHaveTextContent(/About your conversation 40 min\.? ago/);
    expect(first).toHaveTextContent("Service desk · Ana Souza");
    expect(first).toHaveTextContent("Refund");
    expect(first).toHaveTextContent("Offer the refund first, then check the policy.");
    expect(first).toHaveTextContent("Listening 3/5");
    expect(within(first).getByTestId("acknowledge-review")).toHaveTextContent("Acknowledge");

    expect(second).toHaveTextContent("Praise");
    expect(second).toHaveTextContent(/Acknowledged 2 days ago/);
    expect(within(second).queryByTestId("acknowledge-review")).toBeNull();
    expect(screen.getByText("1 review to read and acknowledge")).toBeInTheDocument();
  });

  it("acknowledges a review and then shows when it was acknowledged", async () => {
    let mine: Review[] = [coaching, praise];
    const calls = mockBackend({
      desk_info: () => deskAs("frontline"),
      my_reviews: () => mine,
      acknowledge_review: () => {
        const done = { ...coaching, acknowledged_at: new Date().toISOString() };
        mine = [done, praise];
        return done;
      },
    });
    const user = userEvent.setup();
    renderWithDesk(<MyReviewsScreen />);
    await user.click(await screen.findByTestId("acknowledge-review"));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "acknowledge_review")?.args).toEqual({ reviewId: "rev-coaching" }),
    );
    await waitFor(() => expect(screen.queryByTestId("acknowledge-review")).toBeNull());
    expect(screen.getAllByTestId("my-review")[0]).toHaveTextContent("Acknowledged just now");
    expect(screen.getByText("All read and acknowledged.")).toBeInTheDocument();
  });

  it("says what will appear here when nobody has reviewed my work yet", async () => {
    mockBackend({ desk_info: () => deskAs("frontline") });
    renderWithDesk(<MyReviewsScreen />);
    expect(await screen.findByTestId("my-reviews-empty")).toHaveTextContent(
      "When a supervisor reviews one of your conversations, it appears here for you to read and acknowledge.",
    );
  });
});
