// Shift handover notes above the queue: those of the last 24 hours, opened at log-in when there
// are any, and a field to leave one for the next shift.
import type { HandoverNoteView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { whenText } from '../shared/format.js';

export function showHandoverNotes(container: HTMLElement, now: () => number): { stop(): void } {
  const list = el('ol', { className: 'handover-list' });
  const count = el('span', { className: 'count' });
  const text = el('textarea', { attrs: { id: 'handover-text', rows: 2, maxlength: 2000 } });
  const error = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  const details = el(
    'details',
    { className: 'handover' },
    el('summary', null, 'Handover notes ', count),
    list,
    el(
      'form',
      { className: 'handover-form', attrs: { 'aria-label': 'Leave a handover note' } },
      el('label', { attrs: { for: 'handover-text' }, text: 'Leave a note for the next shift' }),
      text,
      el('button', { attrs: { type: 'submit' }, text: 'Leave note' }),
      error,
    ),
  );
  let stopped = false;

  function draw(notes: HandoverNoteView[]): void {
    count.textContent = String(notes.length);
    list.replaceChildren(
      ...(notes.length
        ? notes.map((n) =>
            el(
              'li',
              null,
              el('span', { className: 'muted', text: `${whenText(n.createdAt, now())}, ${n.author}: ` }),
              n.text,
            ),
          )
        : [el('li', { className: 'muted', text: 'No notes in the last 24 hours.' })]),
    );
  }

  async function load(openIfAny: boolean): Promise<void> {
    const answer = await callApi<{ notes: HandoverNoteView[] }>('GET', '/api/handover-notes');
    if (stopped || !answer.ok) return;
    draw(answer.body.notes);
    if (openIfAny && answer.body.notes.length) details.open = true;
  }

  details.querySelector('form')!.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const answer = await callApi('POST', '/api/handover-notes', { text: text.value });
    if (!answer.ok) return void (error.textContent = answer.error.message);
    text.value = '';
    await load(false);
  });

  container.replaceChildren(details);
  void load(true);
  return {
    stop() {
      stopped = true;
      container.replaceChildren();
    },
  };
}
