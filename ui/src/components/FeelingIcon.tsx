import type { Feeling } from "../bindings";

// Mouth curves from a frown to a wide smile; drawn, not emoji, so they look the same on every
// machine (emoji fonts are often missing on counter PCs).
const MOUTH: Record<Feeling, string> = {
  very_unhappy: "M8 17.2 Q12 12.6 16 17.2",
  unhappy: "M8.5 16.4 Q12 14 15.5 16.4",
  neutral: "M8.5 15.2 L15.5 15.2",
  happy: "M8.5 14.2 Q12 17 15.5 14.2",
  very_happy: "M7.6 13.4 Q12 19.2 16.4 13.4 Z",
};

export function FeelingIcon({ feeling, size = 20 }: { feeling: Feeling; size?: number }) {
  const filledMouth = feeling === "very_happy";
  return (
    <svg
      className={`feeling-icon feeling-${feeling}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="1.8" />
      {feeling === "very_unhappy" ? (
        <>
          <path d="M7.5 8.2 L10.2 9.6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          <path d="M16.5 8.2 L13.8 9.6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </>
      ) : null}
      <circle cx="9" cy="10.6" r="1.3" fill="currentColor" />
      <circle cx="15" cy="10.6" r="1.3" fill="currentColor" />
      <path
        d={MOUTH[feeling]}
        fill={filledMouth ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
