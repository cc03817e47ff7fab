// Floods, for supervisors: alarms of one cause arriving together (api/rules/alarm-flood.ts),
// each group with one reason and one button; the ARC still accepts, resolves and audits every
// alarm on its own. SOS, duress and other personal alarms are never grouped.
import type { AlarmView, ClosureCodeOption } from '../../../api/live/console-contract.js';
import { floodGroups, type FloodGroup } from '../../../api/rules/alarm-flood.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { clockText } from '../shared/format.js';
import { alarmTypeText } from './alarm-text.js';

export function createFloodBar(
  container: HTMLElement,
  closureCodes: () => ClosureCodeOption[],
): { draw(alarms: Iterable<AlarmView>): void } {
  let shown = '';
  return {
    draw(alarms) {
      const list = [...alarms];
      const groups = floodGroups(list);
      const codes = closureCodes();
      // The closure codes load after the first alarms may have drawn a group: drawn again once they are.
      const signature = `${codes.length}:${groups.map((g) => g.alarmIds.join(',')).join('|')}`;
      if (signature === shown) return; // keep a half-typed reason
      shown = signature;
      const byId = new Map(list.map((a) => [a.id, a]));
      container.replaceChildren(...groups.map((g) => groupForm(g, byId.get(g.alarmIds[0])!, codes)));
    },
  };
}

function groupForm(group: FloodGroup, sample: AlarmView, codes: ClosureCodeOption[]): HTMLElement {
  const words = `${group.alarmIds.length} × ${alarmTypeText(sample)}, ${clockText(group.firstAt)}–${clockText(group.lastAt)}`;
  const reason = el('input', {
    attrs: {
      type: 'text',
      'aria-label': `Reason for the flood: ${words}`,
      placeholder: 'What was it? e.g. mobile network outage',
    },
  });
  const code = el(
    'select',
    { attrs: { 'aria-label': `Closure code for the flood: ${words}` } },
    ...codes.filter((c) => !c.genuine).map((c) => el('option', { attrs: { value: c.code }, text: c.label })),
  );
  const status = el('span', { attrs: { role: 'status' } });
  const send = el('button', { attrs: { type: 'submit' }, text: `Acknowledge all ${group.alarmIds.length}` });
  const form = el(
    'form',
    { className: 'flood', attrs: { 'aria-label': `Flood: ${words}` } },
    el('strong', { text: `Flood: ${words}` }),
    reason,
    code,
    send,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    const answer = await callApi<{ resolved: string[]; skipped: { id: string; code: string }[] }>(
      'POST',
      '/api/alarms/flood-acknowledge',
      {
        alarmIds: group.alarmIds,
        closureCode: code.value,
        reason: reason.value,
      },
    );
    send.disabled = false;
    status.textContent = answer.ok
      ? `${answer.body.resolved.length} resolved${answer.body.skipped.length ? `, ${answer.body.skipped.length} left (held by someone or changed)` : ''}`
      : answer.error.message;
  });
  return form;
}
