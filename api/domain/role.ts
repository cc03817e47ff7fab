// Who an account is: the one role type of the ARC. The rules decide with it, the store keeps it,
// the routes guard with it and the console contract shows it; it depends on nothing.
export const Role = {
  administrator: 'administrator',
  supervisor: 'supervisor',
  operator: 'operator',
  carer: 'carer',
  /** A customer organisation's own administrator: its wearers, devices, carers, reports (docs organisations). */
  organisation_manager: 'organisation_manager',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** The roles that work in the control room (a carer only sees the people they look after). */
export const STAFF_ROLES = ['administrator', 'supervisor', 'operator'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(role: Role): role is StaffRole {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}
