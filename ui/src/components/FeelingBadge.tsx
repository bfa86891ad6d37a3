import { useTranslation } from "react-i18next";

import type { Feeling } from "../bindings";
import { FeelingIcon } from "./FeelingIcon";

/** A feeling as icon + word + colour (never colour alone). */
export function FeelingBadge({ feeling }: { feeling: Feeling }) {
  const { t } = useTranslation();
  return (
    <span className={`feeling-badge feeling-${feeling}`}>
      <FeelingIcon feeling={feeling} size={16} />
      {t(`feeling.${feeling}`)}
    </span>
  );
}
