// The only door to the backend: every call goes through the generated bindings and comes
// back either as data or as a thrown `CommandError` carrying the typed `CoreError`.
import { commands, type CoreError, type ReassignFollowUp, type SnoozeFollowUp } from "../bindings";

export class CommandError extends Error {
  readonly error: CoreError;
  constructor(error: CoreError) {
    super(error.message);
    this.error = error;
    this.name = "CommandError";
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: CoreError };

async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "ok") return result.data;
  throw new CommandError(result.error);
}

/** Field name → message, for a refused form; empty for any other failure. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (error instanceof CommandError && error.error.kind === "validation") {
    return Object.fromEntries(error.error.fields.map((f) => [f.field, f.message]));
  }
  return {};
}

/** A message for a failure that is not about one field. */
/** What went wrong, as a sentence: messages from the network or the OS ("no connection")
 * get a capital and a full stop, so "Not connected: No connection. What you typed is still
 * here." reads as two sentences. */
export function errorMessage(error: unknown): string {
  const raw = error instanceof CommandError ? error.error.message : error instanceof Error ? error.message : String(error);
  return asSentence(raw);
}

export function asSentence(text: string): string {
  const s = text.trim();
  if (!s) return s;
  const capital = s.charAt(0).toLocaleUpperCase() + s.slice(1);
  return /[.!?…:)”"]$/.test(capital) ? capital : `${capital}.`;
}

export const api = {
  startup: () => call(commands.startupStatus()),
  deskInfo: () => call(commands.deskInfo()),
  notificationSettings: () => call(commands.notificationSettings()),
  setNotifications: (enabled: boolean, language: string) => call(commands.setNotifications(enabled, language)),
  stores: () => call(commands.listStores()),
  touchPoints: () => call(commands.listTouchPoints()),
  reasons: () => call(commands.listReasons()),
  setDeskTouchPoint: (id: string) => call(commands.setDeskTouchPoint(id)),
  createCustomer: (...args: Parameters<typeof commands.createCustomer>) => call(commands.createCustomer(...args)),
  searchCustomers: (query: string) => call(commands.searchCustomers(query)),
  openCustomer: (id: string) => call(commands.openCustomer(id)),
  logInteraction: (...args: Parameters<typeof commands.logInteraction>) => call(commands.logInteraction(...args)),
  customerTimeline: (...args: Parameters<typeof commands.customerTimeline>) => call(commands.customerTimeline(...args)),
  updateCustomer: (...args: Parameters<typeof commands.updateCustomer>) => call(commands.updateCustomer(...args)),
  customerHistory: (id: string) => call(commands.customerHistory(id)),
  possibleDuplicatesOf: (id: string) => call(commands.possibleDuplicatesOf(id)),
  possibleDuplicates: () => call(commands.possibleDuplicates()),
  mergePreview: (survivorId: string, mergedId: string) => call(commands.mergePreview(survivorId, mergedId)),
  mergeCustomers: (...args: Parameters<typeof commands.mergeCustomers>) => call(commands.mergeCustomers(...args)),
  undoMerge: (mergeId: string) => call(commands.undoMerge(mergeId)),
  markNotSamePerson: (customerId: string, otherId: string) => call(commands.markNotSamePerson(customerId, otherId)),
  customerConflicts: (id: string) => call(commands.customerConflicts(id)),
  recentConflicts: () => call(commands.recentConflicts()),
  amendInteraction: (...args: Parameters<typeof commands.amendInteraction>) => call(commands.amendInteraction(...args)),
  createFollowUp: (...args: Parameters<typeof commands.createFollowUp>) => call(commands.createFollowUp(...args)),
  closeFollowUp: (...args: Parameters<typeof commands.closeFollowUp>) => call(commands.closeFollowUp(...args)),
  myFollowUps: () => call(commands.myFollowUps()),
  myClosedFollowUps: () => call(commands.myClosedFollowUps()),
  listStaff: () => call(commands.listStaff()),
  signIn: (...args: Parameters<typeof commands.signIn>) => call(commands.signIn(...args)),
  addStaff: (...args: Parameters<typeof commands.addStaff>) => call(commands.addStaff(...args)),
  setPin: (...args: Parameters<typeof commands.setPin>) => call(commands.setPin(...args)),
  importCustomers: (...args: Parameters<typeof commands.importCustomers>) => call(commands.importCustomers(...args)),
  exportCustomer: (id: string) => call(commands.exportCustomer(id)),
  deleteCustomer: (id: string) => call(commands.deleteCustomer(id)),
  eraseCustomer: (id: string) => call(commands.eraseCustomer(id)),
  restoreCustomer: (id: string) => call(commands.restoreCustomer(id)),
  reviewCriteria: () => call(commands.reviewCriteria()),
  addReviewCriterion: (name: string) => call(commands.addReviewCriterion(name)),
  renameReviewCriterion: (id: string, name: string) => call(commands.renameReviewCriterion(id, name)),
  retireReviewCriterion: (id: string) => call(commands.retireReviewCriterion(id)),
  reviewQueue: (filter: Parameters<typeof commands.reviewQueue>[0]) => call(commands.reviewQueue(filter)),
  recordReview: (...args: Parameters<typeof commands.recordReview>) => call(commands.recordReview(...args)),
  acknowledgeReview: (reviewId: string) => call(commands.acknowledgeReview(reviewId)),
  myReviews: () => call(commands.myReviews()),
  interactionReviews: (interactionId: string) => call(commands.interactionReviews(interactionId)),
  followUpBoard: (filter: Parameters<typeof commands.followUpBoard>[0]) => call(commands.followUpBoard(filter)),
  reassignFollowUp: (input: ReassignFollowUp) => call(commands.reassignFollowUp(input)),
  snoozeFollowUp: (input: SnoozeFollowUp) => call(commands.snoozeFollowUp(input)),
  loopMetrics: (from: string, to: string) => call(commands.loopMetrics(from, to)),
  auditLog: (filter: Parameters<typeof commands.auditLog>[0]) => call(commands.auditLog(filter)),
  insight: (filter: Parameters<typeof commands.insight>[0]) => call(commands.insight(filter)),
  exportInsight: (filter: Parameters<typeof commands.exportInsight>[0]) => call(commands.exportInsight(filter)),
  exportFollowUps: (...args: Parameters<typeof commands.exportFollowUps>) => call(commands.exportFollowUps(...args)),
  exportAtRisk: () => call(commands.exportAtRisk()),
  atRiskCustomers: () => call(commands.atRiskCustomers()),
  syncStatus: () => call(commands.syncStatus()),
  connectServer: (serverUrl: string, code: string, deviceName: string, allowUnencrypted: boolean) =>
    call(commands.connectServer(serverUrl, code, deviceName, allowUnencrypted)),
  disconnectServer: () => call(commands.disconnectServer()),
  syncNow: () => call(commands.syncNow()),
  rejectedChanges: () => call(commands.rejectedChanges()),
  dismissRejected: (opId: string) => call(commands.dismissRejected(opId)),
  searchServer: (query: string) => call(commands.searchServer(query)),
  openServerCustomer: (id: string) => call(commands.openServerCustomer(id)),
};
