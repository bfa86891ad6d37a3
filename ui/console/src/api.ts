// The organisation API as the console calls it: same-origin fetch with the session cookie, the
// CSRF token on every change, and the server's "field: message" errors kept apart per field.
import type { ApiError, ConsoleSession } from "./api-types";

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The field the server named ("name: …"), if any. */
    readonly field: string | null,
  ) {
    super(message);
  }
}

let csrf: string | null = null;

/** Remembers the session's CSRF token (from sign-in or "who am I"). */
export function rememberSession(session: ConsoleSession | null) {
  csrf = session?.csrf_token ?? null;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrf) headers["x-csrf-token"] = csrf;
  let resp: Response;
  try {
    resp = await fetch(`/v1/org/${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ConsoleError(0, "offline", "", null);
  }
  if (resp.status === 204) return undefined as T;
  const text = await resp.text();
  if (resp.ok) return JSON.parse(text) as T;
  let err: ApiError | null = null;
  try {
    err = JSON.parse(text) as ApiError;
  } catch {
    err = null;
  }
  const message = err?.message ?? "";
  const m = /^([a-z_]+): (.*)$/s.exec(message);
  throw new ConsoleError(resp.status, err?.code ?? "internal", m ? (m[2] ?? "") : message, m ? (m[1] ?? null) : null);
}

export const api = {
  get: <T>(path: string) => call<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => call<T>("POST", path, body),
  patch: <T>(path: string, body: unknown) => call<T>("PATCH", path, body),
  delete: (path: string) => call<void>("DELETE", path),
};
