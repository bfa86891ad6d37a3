import { useTranslation } from "react-i18next";

/** The two date fields of a chosen period, both days included (`yyyy-mm-dd`, either may be
 * empty for open-ended). `name` prefixes the fields' names: `queue` → `queue_from`, `queue_to`. */
export function ChosenDates({
  name,
  from,
  to,
  onFrom,
  onTo,
}: {
  name: string;
  from: string;
  to: string;
  onFrom: (day: string) => void;
  onTo: (day: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="queue-dates">
      <label className="queue-date">
        <span>{t("common.from")}</span>
        <input
          className="input"
          type="date"
          name={`${name}_from`}
          value={from}
          max={to || undefined}
          onChange={(e) => onFrom(e.target.value)}
        />
      </label>
      <label className="queue-date">
        <span>{t("common.to")}</span>
        <input
          className="input"
          type="date"
          name={`${name}_to`}
          value={to}
          min={from || undefined}
          onChange={(e) => onTo(e.target.value)}
        />
      </label>
    </div>
  );
}
