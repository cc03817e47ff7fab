// A wearer's response plan (null = the profile default) and police details (URN, withdrawal: their
// own and their organisation's), and everything the plan rules need about a wearer, read together.
import type { Sql, TransactionSql } from 'postgres';
import {
  ResponsePlan,
  missingContacts,
  planWithSource,
  type PlanSource,
  type WearerForPlan,
} from '../rules/response-plan.js';
import type { PoliceSetting } from '../rules/police-urn.js';
import type { WearerProfile } from '../domain/wearer-profile.js';
import type { WearerPolice } from '../domain/wearer.js';
import { listContacts, type Contact } from './contact-store.js';
import { ownPoliceOf, policeColumns, policeOf, type PoliceRow } from './organisation-store.js';
import { inTransaction } from './in-transaction.js';

/** A wearer's own police details; exactly as the force issued the URN. */
export type PoliceDetails = PoliceSetting;

// Defined in the core (api/domain/wearer.ts); re-exported for the code that reads it from here.
export type { WearerPolice };

export interface ResponseContext {
  wearer: WearerForPlan & { id: string; profile: WearerProfile };
  /** The plan in force: the wearer's own, their organisation's default for the profile, or the ARC's. */
  plan: ResponsePlan;
  /** Not the wearer's own (the organisation's or the ARC's default). */
  isDefault: boolean;
  planSource: PlanSource;
  /** The webhook of the wearer's organisation, when it set its own (else the ARC's is used). */
  organisationWebhookUrl: string | null;
  contacts: Contact[];
  /** Things the console should show about the plan itself (a step naming a missing contact…). */
  warnings: string[];
}

interface WearerRow extends PoliceRow {
  id: string;
  name: string;
  profile: WearerProfile;
  responsePlan: unknown;
  organisationPlan: unknown;
  organisationWebhookUrl: string | null;
  phone: string | null;
}

async function wearerRow(sql: Sql | TransactionSql, wearerId: string, lock = false): Promise<WearerRow | null> {
  const [found] = await sql<WearerRow[]>`
    select w.id, w.name, w.profile, w.response_plan, w.phone, ${policeColumns(sql)}, o.webhook_url as organisation_webhook_url,
           (select p.plan from organisation_response_plans p where p.organisation_id = w.organisation_id and p.profile = w.profile) as organisation_plan
    from wearers w left join organisations o on o.id = w.organisation_id
    where w.id = ${wearerId} ${lock ? sql`for update of w` : sql``}`;
  return found ?? null;
}

/** Everything stepGuidance and stepDecision need about a wearer; null if no such wearer. */
export async function getResponseContext(sql: Sql | TransactionSql, wearerId: string): Promise<ResponseContext | null> {
  // Both at once: in an alarm's transaction they are pipelined (one round trip, not two).
  const [found, contacts] = await Promise.all([wearerRow(sql, wearerId), listContacts(sql, wearerId)]);
  if (!found) return null;
  const warnings: string[] = [];
  let own: ResponsePlan | null = null;
  if (found.responsePlan !== null) {
    const parsed = ResponsePlan.safeParse(found.responsePlan);
    // A stored plan that no longer parses must not stop an alarm being handled: use the default.
    if (parsed.success) own = parsed.data;
    else warnings.push('The stored response plan is not valid; the profile default is used');
  }
  let organisationPlan: ResponsePlan | null = null;
  if (found.organisationPlan !== null) {
    const parsed = ResponsePlan.safeParse(found.organisationPlan);
    if (parsed.success) organisationPlan = parsed.data;
    else warnings.push("The organisation's default plan is not valid; the ARC's default is used");
  }
  const { plan, source } = planWithSource({ profile: found.profile, responsePlan: own, organisationPlan });
  for (const { step, contactPosition } of missingContacts(plan, contacts.length)) {
    warnings.push(
      `Step ${step} names contact ${contactPosition}, but ${found.name} has ${contacts.length === 1 ? '1 contact' : `${contacts.length} contacts`}`,
    );
  }
  const police = policeOf(found);
  const wearer = {
    id: found.id,
    name: found.name,
    profile: found.profile,
    urn: police.urn,
    urnOrganisation: police.urnSource === 'organisation' ? found.organisationName : null,
    policeWithdrawn: police.policeWithdrawn,
    policeWithdrawnReason: police.policeWithdrawnReason,
    phone: found.phone,
  };
  return {
    wearer,
    plan,
    isDefault: source !== 'wearer',
    planSource: source,
    organisationWebhookUrl: found.organisationWebhookUrl,
    contacts,
    warnings,
  };
}

export type PlanChange =
  | { ok: true }
  /** Steps naming contact positions the wearer does not have. */
  | { ok: false; missing: { step: number; contactPosition: number }[]; contactCount: number };

/** Sets the wearer's own plan (null = back to the profile default); null if no such wearer. */
export async function setWearerPlan(sql: Sql, wearerId: string, plan: ResponsePlan | null): Promise<PlanChange | null> {
  return inTransaction(sql, async (tx) => {
    // Locked like contact changes, so a contact cannot be removed under a plan being saved.
    if (!(await wearerRow(tx, wearerId, true))) return null;
    if (plan) {
      const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from contacts where wearer_id = ${wearerId}`;
      const missing = missingContacts(plan, n);
      if (missing.length) return { ok: false, missing, contactCount: n };
    }
    await tx`update wearers set response_plan = ${plan === null ? null : tx.json(plan as never)} where id = ${wearerId}`;
    return { ok: true };
  });
}

export async function getPolice(sql: Sql | TransactionSql, wearerId: string): Promise<WearerPolice | null> {
  const found = await wearerRow(sql, wearerId);
  if (!found) return null;
  return {
    ...ownPoliceOf(found),
    organisationId: found.organisationId,
    organisationName: found.organisationName,
    effective: policeOf(found),
  };
}

/** null if no such wearer. */
export async function setPolice(sql: Sql, wearerId: string, police: PoliceDetails): Promise<PoliceDetails | null> {
  const [updated] = await sql<PoliceDetails[]>`
    update wearers set urn = ${police.urn}, police_withdrawn = ${police.policeWithdrawn},
      police_withdrawn_reason = ${police.policeWithdrawnReason}
    where id = ${wearerId} returning urn, police_withdrawn, police_withdrawn_reason`;
  return updated ?? null;
}
