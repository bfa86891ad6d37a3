import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { NewStaff } from "../bindings";
import { api } from "./commands";
import { family } from "./freshness";

/** Query keys of the desk itself, its catalogue and its people. */
export const deskKeys = {
  info: [family.desk] as const,
  stores: [family.stores] as const,
  touchPoints: [family.touchPoints] as const,
  reasons: [family.reasons] as const,
  staff: [family.staff] as const,
  notifications: [family.desk, "notifications"] as const,
};

export function useDeskInfo() {
  return useQuery({ queryKey: deskKeys.info, queryFn: api.deskInfo });
}

/** Every store this desk knows: its own, and the organisation's once connected. */
export function useStores() {
  return useQuery({ queryKey: deskKeys.stores, queryFn: api.stores });
}

export function useTouchPoints() {
  return useQuery({ queryKey: deskKeys.touchPoints, queryFn: api.touchPoints, staleTime: Infinity });
}

export function useReasons() {
  return useQuery({ queryKey: deskKeys.reasons, queryFn: api.reasons, staleTime: Infinity });
}

export function useStaff() {
  return useQuery({ queryKey: deskKeys.staff, queryFn: api.listStaff });
}

export function useSetDeskTouchPoint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.setDeskTouchPoint(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: deskKeys.info }),
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string | null }) => api.signIn(staffId, pin),
    // Everything "mine" changes with the person.
    onSuccess: () => void qc.invalidateQueries(),
  });
}

/** Checks the signed-in person's PIN again (taking the screen back from a customer): the same
 * person stays signed in, so nothing else changes. */
export function useCheckStaffPin() {
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string }) => api.signIn(staffId, pin),
  });
}

export function useAddStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewStaff) => api.addStaff(input),
    onSuccess: () => void qc.invalidateQueries({ queryKey: deskKeys.staff }),
  });
}

export function useSetPin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string }) => api.setPin(staffId, pin),
    onSuccess: () => void qc.invalidateQueries({ queryKey: deskKeys.staff }),
  });
}

/** The signed-in person's desktop notifications on this desk (off until they turn them on). */
export function useNotificationSettings() {
  return useQuery({ queryKey: deskKeys.notifications, queryFn: api.notificationSettings });
}

export function useSetNotifications() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ enabled, language }: { enabled: boolean; language: string }) => api.setNotifications(enabled, language),
    onSuccess: (s) => qc.setQueryData(deskKeys.notifications, s),
  });
}
