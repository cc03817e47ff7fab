// An organisation's own settings (issue 16, item 3): its notification channels and its default
// response plan per wearer profile. Each, when set, is used for its wearers instead of the ARC's
// (the configuration's channels; DEFAULT_PLANS). The webhook secret is write-only: answers say
// whether one is set, and the audit records that it changed, never what it is. Supervisors and
// administrators change them; every change is audited in the transaction that makes it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { DEFAULT_PLANS, ResponsePlan } from '../rules/response-plan.js';
import { audit } from '../store/audit-log.js';
import { inTransaction } from '../store/in-transaction.js';
import { getOrganisation } from '../store/organisation-store.js';
import {
  getChannels,
  getDefaultPlans,
  setChannels,
  setDefaultPlan,
  shownChannels,
  type ChannelChanges,
  type OrganisationChannels,
} from '../store/organisation-settings-store.js';
import { WearerProfile } from '../store/wearer-store.js';
import type { Sql } from 'postgres';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

export const OrganisationParams = z.object({ id: z.uuid() });
export const PlanParams = z.object({ id: z.uuid(), profile: z.enum(WearerProfile) });

/** Trimmed; "" means "not set" (null), like the police URN. */
const cleared = (s: string) => (s === '' ? null : s);
const oneLine = /^[^\x00-\x1f\x7f]*$/;

const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .transform(cleared)
  .pipe(
    z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .refine(
        (u) => !new URL(u).username && !new URL(u).password,
        'put no user or password in the URL: the secret signs each request',
      )
      .nullable(),
  )
  .nullable();

// Signed with HMAC-SHA256, like ARC_WEBHOOK_SECRET (at least 16 characters).
const WebhookSecret = z
  .string()
  .min(16, 'a webhook secret is at least 16 characters')
  .max(200)
  .regex(oneLine, 'a secret is one line of text');

/**
 * What an SMS shows as its sender: an alphanumeric sender id (GSM 03.40: at most 11 letters,
 * digits and spaces, at least one letter) or a phone number (E.164: "+" and at most 15 digits).
 */
const SmsSender = z
  .string()
  .trim()
  .transform(cleared)
  .pipe(
    z
      .string()
      .refine(
        (s) => /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(s) || /^\+?[0-9]{3,15}$/.test(s),
        'expected up to 11 letters, digits and spaces, or a phone number like +447700900123',
      )
      .nullable(),
  )
  .nullable();

/** "Name <address>" or an address; one line (a line break would add a mail header). */
const EmailSender = z
  .string()
  .trim()
  .max(200)
  .transform(cleared)
  .pipe(
    z
      .string()
      .regex(oneLine, 'an email sender is one line of text')
      .refine((s) => {
        const match = /^(?:[^<>"]+ )?<([^<>\s]+)>$/.exec(s) ?? /^([^<>\s]+)$/.exec(s);
        return match !== null && z.email().safeParse(match[1]).success;
      }, 'expected an address, or a name and an address: Acme Care <alarms@acme.example>')
      .nullable(),
  )
  .nullable();

export const ChannelInput = z
  .object({
    webhookUrl: WebhookUrl.optional(),
    webhookSecret: WebhookSecret.optional(),
    smsSender: SmsSender.optional(),
    emailSender: EmailSender.optional(),
  })
  .strict();

function invalid(field: string, message: string): ArcError {
  return new ArcError('ARC_ERR_VALIDATION', `The request is not valid: ${field}: ${message}`, [{ field, message }]);
}

/**
 * The columns to write, from what is set now and what was asked. A webhook is always signed: a
 * URL needs a secret (given now, or the one already set); clearing the URL clears its secret.
 */
function channelChanges(before: OrganisationChannels, input: z.infer<typeof ChannelInput>): ChannelChanges {
  const changes: ChannelChanges = {};
  if (input.smsSender !== undefined) changes.smsSender = input.smsSender;
  if (input.emailSender !== undefined) changes.emailSender = input.emailSender;
  const url = input.webhookUrl === undefined ? before.webhookUrl : input.webhookUrl;
  if (url === null) {
    if (input.webhookSecret !== undefined) throw invalid('webhookSecret', 'a secret needs a webhookUrl to sign for');
    if (input.webhookUrl !== undefined || before.webhookSecret !== null)
      Object.assign(changes, { webhookUrl: null, webhookSecret: null });
    return changes;
  }
  const secret = input.webhookSecret ?? before.webhookSecret;
  if (secret === null) throw invalid('webhookSecret', 'required with webhookUrl: webhooks are signed');
  if (input.webhookUrl !== undefined) changes.webhookUrl = url;
  if (input.webhookSecret !== undefined) changes.webhookSecret = input.webhookSecret;
  return changes;
}

/** Every profile, with the organisation's own plan or null (the ARC's default applies). */
async function settingsOf(sql: Sql, organisationId: string) {
  const [channels, plans] = await Promise.all([getChannels(sql, organisationId), getDefaultPlans(sql, organisationId)]);
  if (!channels) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
  return {
    organisationId,
    channels: shownChannels(channels),
    defaultPlans: Object.fromEntries(WearerProfile.map((p) => [p, plans[p] ?? null])),
  };
}

export function organisationSettingsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const managers = deps.allow('administrator', 'supervisor');

  app.get('/api/organisations/:id/settings', { preHandler: managers }, async (request) => ({
    settings: await settingsOf(sql, parseInput(OrganisationParams, request.params).id),
    arcDefaultPlans: DEFAULT_PLANS,
  }));

  app.patch('/api/organisations/:id/settings', { preHandler: managers }, async (request) => {
    const { id } = parseInput(OrganisationParams, request.params);
    const input = parseInput(ChannelInput, request.body);
    await inTransaction(sql, async (tx) => {
      const before = await getChannels(tx, id, true);
      if (!before) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
      const changes = channelChanges(before, input);
      await setChannels(tx, id, changes);
      const after = { ...before, ...changes };
      await audit(tx, actorOf(request), 'organisation.channels_changed', id, {
        before: shownChannels(before),
        after: shownChannels(after),
        // That the secret was replaced, never the secret.
        webhookSecretReplaced: changes.webhookSecret !== undefined && changes.webhookSecret !== null,
      });
    });
    return { settings: await settingsOf(sql, id) };
  });

  app.put('/api/organisations/:id/response-plans/:profile', { preHandler: managers }, async (request) => {
    const { id, profile } = parseInput(PlanParams, request.params);
    const plan = parseInput(ResponsePlan, request.body);
    await inTransaction(sql, async (tx) => {
      if (!(await getOrganisation(tx, id))) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
      await setDefaultPlan(tx, id, profile, plan, deps.now());
      await audit(tx, actorOf(request), 'organisation.default_plan_set', id, { profile, plan });
    });
    return { settings: await settingsOf(sql, id) };
  });

  app.delete('/api/organisations/:id/response-plans/:profile', { preHandler: managers }, async (request) => {
    const { id, profile } = parseInput(PlanParams, request.params);
    await inTransaction(sql, async (tx) => {
      if (!(await getOrganisation(tx, id))) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
      await setDefaultPlan(tx, id, profile, null, deps.now());
      await audit(tx, actorOf(request), 'organisation.default_plan_reset', id, { profile });
    });
    return { settings: await settingsOf(sql, id) };
  });
}
