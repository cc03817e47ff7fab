// An account of the ARC (staff, organisation manager or carer) as the other layers see it: never
// its password hash (that stays in api/store/user-store.ts).
import type { Role } from './role.js';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** An account as administrators see it (GET /api/users). */
export interface UserAccount extends User {
  disabled: boolean;
}
