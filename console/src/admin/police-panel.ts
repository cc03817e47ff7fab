// The wearer's police details: the URN exactly as the force issued it, and whether police
// response has been withdrawn (with the reason the operator is shown). When the wearer has no
// URN of their own, their organisation's applies; the panel says which one is in use.
import type { WearerPoliceView as PoliceView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, textarea } from '../shared/form.js';
import { panel, statusLine } from './admin-section.js';

export function effectiveText(police: PoliceView): string {
  const effective = police.effective;
  const from =
    effective.urnSource === 'organisation'
      ? ` (from ${police.organisationName ?? 'the organisation'})`
      : effective.urnSource === 'wearer'
        ? ' (the wearer’s own)'
        : '';
  const urn = effective.urn ? `URN in use: ${effective.urn}${from}.` : 'No URN: the police step cannot quote one.';
  return effective.policeWithdrawn
    ? `${urn} Police response withdrawn: ${effective.policeWithdrawnReason ?? 'no reason given'}.`
    : urn;
}

/** `reload` refreshes which URN is in force (after the wearer's organisation changed), keeping edits. */
export function policePanel(wearerId: string): { element: HTMLElement; reload(): void } {
  const status = statusLine();
  const inUse = el('p', { className: 'admin-note' });
  const urn = input({ maxlength: 64 });
  const withdrawn = el('input', { attrs: { type: 'checkbox' } });
  const reason = textarea(2);

  function fill(police: PoliceView): void {
    urn.value = police.urn ?? '';
    withdrawn.checked = police.policeWithdrawn;
    reason.value = police.policeWithdrawnReason ?? '';
    inUse.textContent = effectiveText(police);
  }

  const form = actionForm({
    title: '',
    className: 'admin-form',
    fields: [
      ['urn', 'URN (exactly as issued; empty for none)', urn],
      ['policeWithdrawn', 'Police response withdrawn', withdrawn],
      ['policeWithdrawnReason', 'Why it was withdrawn (shown to operators)', reason],
    ],
    buttons: [button('Save police details')],
    async onSubmit(f) {
      status.textContent = '';
      const answer = await f.send<{ police: PoliceView }>('PUT', `/api/wearers/${wearerId}/police`, {
        urn: urn.value,
        policeWithdrawn: withdrawn.checked,
        policeWithdrawnReason: reason.value.trim() || null,
      });
      if (!answer) return;
      fill(answer.police);
      status.textContent = 'Police details saved.';
    },
  });

  void callApi<{ police: PoliceView }>('GET', `/api/wearers/${wearerId}/police`).then((answer) => {
    if (answer.ok) fill(answer.body.police);
    else status.textContent = `The police details could not be loaded: ${answer.error.message}`;
  });
  return {
    element: panel('Police (URN)', inUse, form.element, status),
    reload() {
      void callApi<{ police: PoliceView }>('GET', `/api/wearers/${wearerId}/police`).then((answer) => {
        if (answer.ok) inUse.textContent = effectiveText(answer.body.police);
      });
    },
  };
}
