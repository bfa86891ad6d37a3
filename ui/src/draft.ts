import { useCallback, useEffect, useState } from "react";

/** State that survives a crash or a restart: kept in local storage under `key` until cleared.
 * Used for half-typed logs, so nothing the user typed is ever lost. */
export function useDraft<T>(key: string, initial: () => T): [T, (update: (d: T) => T) => void, () => void] {
  const storageKey = `touchpoint.draft.${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const saved = window.localStorage.getItem(storageKey);
      if (saved) return { ...initial(), ...(JSON.parse(saved) as T) };
    } catch {
      // A damaged draft is dropped rather than blocking the form.
    }
    return initial();
  });
  useEffect(() => {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // Storage full or unavailable: the form still works, only the crash safety net is gone.
    }
  }, [storageKey, value]);
  const update = useCallback((f: (d: T) => T) => setValue(f), []);
  const clear = useCallback(() => {
    window.localStorage.removeItem(storageKey);
    setValue(initial());
  }, [storageKey, initial]);
  return [value, update, clear];
}
