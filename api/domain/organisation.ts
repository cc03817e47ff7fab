// A customer organisation (an employer, a housing provider): a tenant of the ARC, with the police
// URN the force issued to it and how long its data is kept.
import type { PoliceSetting } from './police.js';

export interface Organisation extends PoliceSetting {
  id: string;
  name: string;
  createdAt: Date;
  wearerCount: number;
  /** How long its data is kept (docs/reference/data-protection.md; api/rules/retention-rules.ts). */
  locationRetentionDays: number;
  alarmRetentionDays: number;
  auditRetentionDays: number;
}
