// What an operator can do with an open alarm, one click each where the rules allow it
// (api/rules/alarm-lifecycle.ts): log a call with its outcome, pass to police (the wearer's URN
// filled in) or ambulance, verify, add a note, resolve with a closure code; after resolving, only
// annotate. Built once per alarm and updated in place, so a push never wipes a half-typed note.
import type { AlarmDetailView, AlarmView, ClosureCodeOption, UserView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, optional, textarea, type ActionForm } from '../shared/form.js';

const OUTCOMES = [
  ['answered', 'Answered'],
  ['no_answer', 'No answer'],
  ['voicemail', 'Voicemail'],
  ['engaged', 'Engaged'],
] as const;
const WEARER = 'wearer';
/** Quick texts for the wearer's device (spec command `message`, at most 160 characters). */
export const QUICK_MESSAGES = [
  'Help is on the way',
  'We are calling you now',
  'Stay where you are if you can',
  'Your alarm has been passed to the police',
];
const MESSAGE_MAX = 160;

export interface ActionPanel {
  readonly element: HTMLElement;
  update(detail: AlarmDetailView, me: UserView): void;
}

export const isManager = (user: UserView) => user.role === 'supervisor' || user.role === 'administrator';

export function createActionPanel(options: {
  alarmId: string;
  closureCodes: ClosureCodeOption[];
  /** An action went through: the alarm as the ARC returned it, and what was done in words. */
  done(alarm: AlarmView, what: string): void;
}): ActionPanel {
  const path = (tail: string) => `/api/alarms/${options.alarmId}/${tail}`;
  const status = el('p', { className: 'action-status', attrs: { role: 'status' } });
  const hint = el('p', { className: 'action-hint' });
  let detail: AlarmDetailView | null = null;

  async function act(
    form: ActionForm,
    tail: string,
    body: unknown,
    what: string,
    fieldForCode?: Record<string, string>,
  ): Promise<boolean> {
    status.textContent = '';
    const alarm = await form.post(path(tail), body, fieldForCode);
    if (!alarm) return false;
    status.textContent = `Logged: ${what}`;
    options.done(alarm, what);
    return true;
  }

  // ---- Log a call ----------------------------------------------------------------------------
  const who = el('select');
  const callNote = input();
  const call = actionForm({
    title: 'Log a call',
    fields: [
      ['contactName', 'Who was called', who],
      ['note', 'Call note (optional)', callNote],
    ],
    buttons: OUTCOMES.map(([value, text]) => button(text, value)),
    async onSubmit(form, submitter) {
      const outcome = submitter?.value ?? 'answered';
      const words = OUTCOMES.find(([value]) => value === outcome)?.[1].toLowerCase() ?? outcome;
      const note = optional(callNote);
      const contact = detail?.contacts.find((c) => c.id === who.value);
      const ok = contact
        ? await act(
            form,
            'actions',
            { kind: 'called_contact', contactName: contact.name, contactId: contact.id, outcome, note },
            `called ${contact.name}: ${words}`,
          )
        : await act(form, 'actions', { kind: 'called_wearer', outcome, note }, `called the wearer: ${words}`);
      if (ok) callNote.value = '';
    },
  });
  who.addEventListener('change', () => (who.dataset.touched = 'yes'));

  // ---- Police and ambulance ------------------------------------------------------------------
  const urn = input({ spellcheck: false });
  urn.addEventListener('input', () => (urn.dataset.touched = 'yes'));
  const policeReference = input();
  const policeBlocked = el('p', { className: 'blocked' });
  const police = actionForm({
    title: 'Police',
    className: 'half',
    fields: [
      ['urn', 'Police URN', urn],
      ['reference', 'Police reference (optional)', policeReference],
    ],
    extra: [policeBlocked],
    buttons: [button('Passed to police')],
    async onSubmit(form) {
      // The URN goes exactly as the police issued it (no case change): the ARC keeps it so too.
      const ok = await act(
        form,
        'actions',
        { kind: 'passed_to_police', urn: optional(urn), reference: optional(policeReference) },
        'passed to police',
      );
      if (ok) policeReference.value = '';
    },
  });
  const ambulanceReference = input();
  const ambulance = actionForm({
    title: 'Ambulance',
    className: 'half',
    fields: [['reference', 'Ambulance reference (optional)', ambulanceReference]],
    buttons: [button('Passed to ambulance')],
    async onSubmit(form) {
      if (
        await act(
          form,
          'actions',
          { kind: 'passed_to_ambulance', reference: optional(ambulanceReference) },
          'passed to ambulance',
        )
      )
        ambulanceReference.value = '';
    },
  });

  // ---- Verify and note ----------------------------------------------------------------------
  const verify = actionForm({
    title: 'Verify',
    fields: [],
    buttons: [button('Verified genuine', 'genuine'), button('Verified false', 'false')],
    onSubmit(form, submitter) {
      const verdict = submitter?.value === 'false' ? 'false' : 'genuine';
      void act(form, 'actions', { kind: 'verified', verdict }, `verified ${verdict}`);
    },
  });
  const noteText = textarea(2);
  const note = actionForm({
    title: 'Note',
    fields: [['text', 'Note', noteText]],
    buttons: [button('Add note')],
    async onSubmit(form) {
      if (await act(form, 'actions', { kind: 'note', text: noteText.value }, 'note added')) noteText.value = '';
    },
  });

  // ---- Tell the wearer (spec commands, v1.1) --------------------------------------------------
  // Quick texts send at once; the field takes a text of the operator's own. Never offered for a
  // silent duress alarm: nothing may reach that device (the ARC refuses it too).
  const wearerText = input({ maxlength: MESSAGE_MAX, placeholder: 'Or type a short message' });
  const tell = actionForm({
    title: 'Tell the wearer',
    fields: [['text', `Message to the device (at most ${MESSAGE_MAX} characters)`, wearerText]],
    buttons: [...QUICK_MESSAGES.map((text) => button(text, text, 'quick-message')), button('Send message', '')],
    async onSubmit(form, submitter) {
      form.clearErrors();
      const text = submitter?.value || wearerText.value.trim();
      if (!text) return form.showFieldError('text', 'Type a message or choose a quick text');
      if (await act(form, 'messages', { text }, `told the wearer: “${text}”`)) wearerText.value = '';
    },
  });

  // ---- Resolve -------------------------------------------------------------------------------
  const closureCode = el(
    'select',
    null,
    el('option', { attrs: { value: '' }, text: 'Choose a closure code…' }),
    ...options.closureCodes.map((c) =>
      el('option', { attrs: { value: c.code }, text: c.noteRequired ? `${c.label} (note required)` : c.label }),
    ),
  );
  const closureNote = textarea(2);
  // Mandatory plan steps not logged block a genuine closure unless overridden with a reason.
  const overrideReason = textarea(2);
  const mandatoryHint = el('p', { className: 'blocked' });
  const resolve = actionForm({
    title: 'Resolve',
    fields: [
      ['closureCode', 'Closure code', closureCode],
      ['note', 'Closure note', closureNote],
      ['override', 'Reason to resolve without the mandatory steps (audited)', overrideReason],
    ],
    extra: [mandatoryHint],
    buttons: [button('Resolve alarm', '', 'primary')],
    async onSubmit(form) {
      form.clearErrors();
      const code = options.closureCodes.find((c) => c.code === closureCode.value);
      if (!code) return form.showFieldError('closureCode', 'Choose a closure code');
      // The ARC refuses a genuine code without a note (ARC_ERR_CLOSURE_NOTE_REQUIRED): say it here.
      const body = { closureCode: code.code, note: optional(closureNote), override: optional(overrideReason) };
      const ok = await act(form, 'resolve', body, `resolved: ${code.label}`, {
        ARC_ERR_CLOSURE_NOTE_REQUIRED: 'note',
        ARC_ERR_PLAN_STEPS_OPEN: 'override',
      });
      if (ok) closureNote.value = overrideReason.value = '';
    },
  });

  // ---- Annotate (after resolving) -------------------------------------------------------------
  const annotationText = textarea(2);
  const annotate = actionForm({
    title: 'Annotate',
    fields: [['text', 'Annotation', annotationText]],
    buttons: [button('Add annotation')],
    async onSubmit(form) {
      if (await act(form, 'annotations', { text: annotationText.value }, 'annotation added')) annotationText.value = '';
    },
  });

  const working = [call, tell, police, ambulance, verify, note, resolve];
  const element = el(
    'section',
    { className: 'action-panel', attrs: { 'aria-labelledby': `actions-${options.alarmId}` } },
    el('h3', { attrs: { id: `actions-${options.alarmId}` }, text: 'Actions' }),
    hint,
    status,
    ...working.map((f) => f.element),
    annotate.element,
  );

  return {
    element,
    update(next, me) {
      detail = next;
      const { alarm, wearer, contacts, plan } = next;
      const mayAct = alarm.status !== 'resolved' && alarm.owner !== null && (alarm.owner.id === me.id || isManager(me));
      for (const form of working) form.element.hidden = !mayAct;
      if (alarm.flags.silent === true) tell.element.hidden = true;
      const open = plan?.progress.mandatoryOpen ?? [];
      mandatoryHint.textContent = open.length
        ? `Mandatory plan step${open.length > 1 ? 's' : ''} ${open.join(', ')} not logged: a genuine closure needs ${open.length > 1 ? 'them' : 'it'}, or a reason to override.`
        : '';
      mandatoryHint.hidden = open.length === 0;
      overrideReason.closest('.field')!.toggleAttribute('hidden', open.length === 0);
      annotate.element.hidden = alarm.status !== 'resolved';
      hint.textContent =
        alarm.status === 'resolved'
          ? 'This alarm is resolved: it can only be annotated.'
          : !alarm.owner
            ? 'Accept the alarm to act on it.'
            : mayAct
              ? ''
              : `Held by ${alarm.owner.name}. A supervisor can reassign it.`;
      hint.hidden = hint.textContent === '';

      // Who was called: the wearer, then the contacts in the order they are tried.
      const chosen = who.value;
      who.replaceChildren(
        el('option', { attrs: { value: WEARER }, text: `Wearer${wearer ? `: ${wearer.name}` : ''}` }),
        ...contacts.map((c) =>
          el('option', {
            attrs: { value: c.id },
            text: `${c.position}. ${c.name}${c.relationship ? ` (${c.relationship})` : ''}`,
          }),
        ),
      );
      const stepContact = plan?.steps[plan.current]?.contact;
      const suggested = stepContact ? contacts.find((c) => c.position === stepContact.position)?.id : undefined;
      who.value = who.dataset.touched && contacts.some((c) => c.id === chosen) ? chosen : (suggested ?? WEARER);

      if (!urn.dataset.touched) urn.value = wearer?.urn ?? '';
      const policeRefusal = alarm.isTest
        ? 'This device is on test: police are not involved.'
        : wearer?.policeWithdrawn
          ? `Police response withdrawn: ${wearer.policeWithdrawnReason ?? 'no reason recorded'}`
          : '';
      policeBlocked.textContent = policeRefusal;
      policeBlocked.hidden = policeRefusal === '';
      police.element.querySelector('button')!.disabled = policeRefusal !== '';
      ambulance.element.querySelector('button')!.disabled = alarm.isTest;
    },
  };
}
