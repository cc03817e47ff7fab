// An organisation's own settings: the notification channels used for its wearers' alarms (each
// left empty falls back to the ARC's) and its default response plan per wearer profile (a wearer
// without a plan of their own gets it; without one, the ARC's). The webhook secret is write-only:
// the ARC says only whether one is set, so the field stays empty and typing replaces it.
import type { OrganisationSettingsView, PlanStepView, WearerView } from '../../../api/live/console-contract.js';
import { callApi, type ApiResult } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import { PROFILE_WORDS } from '../shared/wearer-words.js';
import { panel, statusLine } from './admin-section.js';
import { planEditor, type PlanState } from './plan-panel.js';

type Profile = WearerView['profile'];
type Channels = OrganisationSettingsView['settings']['channels'];

const orNull = (control: HTMLInputElement) => (control.value.trim() === '' ? null : control.value.trim());

function channelsForm(organisationId: string, channels: Channels, saved: (next: Channels) => void): HTMLElement {
  const status = statusLine();
  const webhookUrl = input({
    type: 'url',
    value: channels.webhookUrl ?? '',
    spellcheck: 'false',
    placeholder: "empty: the ARC's webhook",
  });
  const secretWords = (set: boolean) => (set ? 'set: type a new one to replace it' : 'not set: at least 16 characters');
  const webhookSecret = input({
    type: 'password',
    autocomplete: 'new-password',
    placeholder: secretWords(channels.webhookSecretSet),
  });
  const smsSender = input({ value: channels.smsSender ?? '', maxlength: 16, placeholder: "empty: the gateway's own" });
  const emailSender = input({
    value: channels.emailSender ?? '',
    maxlength: 200,
    placeholder: "empty: the ARC's sender",
  });
  const form = actionForm({
    title: 'Notification channels',
    className: 'admin-form organisation-channels',
    fields: [
      ['webhookUrl', 'Webhook URL', webhookUrl],
      ['webhookSecret', 'Webhook signing secret', webhookSecret],
      ['smsSender', 'SMS sender (up to 11 letters and digits, or a number)', smsSender],
      ['emailSender', 'Email sender (Name <address>)', emailSender],
    ],
    extra: [
      el('p', {
        className: 'rule-note',
        text: "Used for notifications about this organisation's wearers. Each left empty uses the ARC's own. Clearing the webhook URL also removes its secret.",
      }),
    ],
    buttons: [button('Save channels', 'save', 'primary')],
    async onSubmit(f) {
      status.textContent = '';
      const body = {
        webhookUrl: orNull(webhookUrl),
        ...(webhookSecret.value !== '' && { webhookSecret: webhookSecret.value }),
        smsSender: orNull(smsSender),
        emailSender: orNull(emailSender),
      };
      const answer = await f.send<OrganisationSettingsView>(
        'PATCH',
        `/api/organisations/${encodeURIComponent(organisationId)}/settings`,
        body,
      );
      if (!answer) return;
      const next = answer.settings.channels;
      webhookSecret.value = '';
      webhookSecret.placeholder = secretWords(next.webhookSecretSet);
      status.textContent = `Channels saved. Webhook secret ${next.webhookSecretSet ? 'set' : 'not set'}.`;
      saved(next);
    },
  });
  form.element.append(status);
  return form.element;
}

/** The plan editor on one profile's default: the organisation's own, or the ARC's shown as a start. */
function defaultPlanEditor(organisationId: string, profile: Profile): HTMLElement {
  const base = `/api/organisations/${encodeURIComponent(organisationId)}`;
  const stateOf = (
    answer: ApiResult<OrganisationSettingsView>,
    arcPlans: OrganisationSettingsView['arcDefaultPlans'],
  ): ApiResult<PlanState> => {
    if (!answer.ok) return answer;
    const own = answer.body.settings.defaultPlans[profile];
    const steps: PlanStepView[] = own?.steps ?? arcPlans?.[profile]?.steps ?? [];
    return {
      ...answer,
      body: {
        steps,
        isDefault: own === null,
        warnings: [],
        stateText: own
          ? `This organisation's ${PROFILE_WORDS[profile]} wearers without a plan of their own get this plan.`
          : `Using the ARC's default for ${PROFILE_WORDS[profile]}. Saving makes it this organisation's default.`,
      },
    };
  };
  let arcPlans: OrganisationSettingsView['arcDefaultPlans'];
  const editor = planEditor({
    title: `Default plan: ${PROFILE_WORDS[profile]}`,
    resetLabel: "Use the ARC's default",
    resetDone: "The ARC's default applies again.",
    async load() {
      const answer = await callApi<OrganisationSettingsView>('GET', `${base}/settings`);
      if (answer.ok) arcPlans = answer.body.arcDefaultPlans;
      return stateOf(answer, arcPlans);
    },
    save: async (steps) =>
      stateOf(await callApi<OrganisationSettingsView>('PUT', `${base}/response-plans/${profile}`, { steps }), arcPlans),
    reset: async () =>
      stateOf(await callApi<OrganisationSettingsView>('DELETE', `${base}/response-plans/${profile}`), arcPlans),
  });
  return editor.element;
}

export function organisationSettingsPanel(organisationId: string): HTMLElement {
  const body = el('div', { className: 'organisation-settings' }, el('p', { className: 'muted', text: 'Loading…' }));
  const profile = el('select', { attrs: { 'aria-label': 'Wearer profile' } });
  for (const [value, words] of Object.entries(PROFILE_WORDS))
    profile.append(el('option', { attrs: { value }, text: words }));
  const planSlot = el('div');
  const showPlan = () => planSlot.replaceChildren(defaultPlanEditor(organisationId, profile.value as Profile));
  profile.addEventListener('change', showPlan);

  void callApi<OrganisationSettingsView>(
    'GET',
    `/api/organisations/${encodeURIComponent(organisationId)}/settings`,
  ).then((answer) => {
    if (!answer.ok) {
      body.replaceChildren(
        el('p', {
          className: 'form-error',
          attrs: { role: 'alert' },
          text: `The settings could not be loaded: ${answer.error.message}`,
        }),
      );
      return;
    }
    body.replaceChildren(
      channelsForm(organisationId, answer.body.settings.channels, () => {}),
      el('div', { className: 'field' }, el('label', { text: 'Default response plan for' }), profile),
      planSlot,
    );
    showPlan();
  });
  const element = panel('Organisation settings', body);
  element.classList.add('wide');
  return element;
}
