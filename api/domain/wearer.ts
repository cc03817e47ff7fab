// A wearer (the person carrying a device), the carers linked to them and their police details.
import type { EffectivePolice, PoliceSetting } from './police.js';
import type { WearerProfile } from './wearer-profile.js';

export interface Wearer {
  id: string;
  name: string;
  profile: WearerProfile;
  notes: string;
  hasSafePin: boolean;
  hasDuressPin: boolean;
  /** The wearer's carers may add, change and delete safe zones (carer view); off by default. */
  carersEditSafeZones: boolean;
  /** For the operator on an alarm (conditions, medication); never shown to carers. */
  medicalNotes: string;
  /** A device status below this battery level raises "battery low" (api/handling/battery-watch.ts). */
  lowBatteryPercent: number;
  /**
   * The organisation the wearer belongs to (never null since 023_tenancy.sql); its police URN
   * applies when the wearer has none of their own (api/rules/police-urn.ts).
   */
  organisationId: string | null;
  /** The wearer's own phone (mobile or landline), beside the device's SIM. */
  phone: string | null;
  /** Home, for place words ("320 m NE of Home"); both or neither. */
  homeLat: number | null;
  homeLon: number | null;
  /** Whether access information is held; the text itself is shown only on an open alarm (audited). */
  hasAccessInfo: boolean;
}

/** A carer account linked to a wearer (a disabled one is listed as such). */
export interface LinkedCarer {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
}

/** What GET /api/wearers/:id/police shows: the wearer's own details, and those in force. */
export interface WearerPolice extends PoliceSetting {
  organisationId: string | null;
  organisationName: string | null;
  /** What alarms use: the wearer's own URN, else their organisation's (api/rules/police-urn.ts). */
  effective: EffectivePolice;
}
