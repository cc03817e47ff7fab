// One of the carer's people in the list: the alarm sentence first (it is what a worried relative
// looks for), then when the alarm was last heard from, its battery and where the person is.
import type { CarerWearer } from '../../../api/live/carer-contract.js';
import { el } from '../shared/element.js';
import { positionText, sinceText, whenText } from '../shared/format.js';

/** Below this the battery is shown as low (the ARC's default low-battery threshold). */
const LOW_BATTERY_PERCENT = 20;

export interface PersonCard {
  readonly element: HTMLLIElement;
  update(wearer: CarerWearer, now: number): void;
  select(selected: boolean): void;
}

export function batteryText(wearer: Pick<CarerWearer, 'batt' | 'charging'>): string {
  if (wearer.batt === null) return 'not known yet';
  return `${Math.round(wearer.batt)} %${wearer.charging ? ' (charging)' : ''}`;
}

export function createPersonCard(wearer: CarerWearer, onShow: (wearerId: string) => void): PersonCard {
  const alarm = el('p', { className: 'alarm-status', attrs: { 'aria-live': 'polite' } });
  const lastSeen = el('dd');
  const battery = el('dd');
  const position = el('dd');
  const show = el('button', {
    attrs: { type: 'button', 'aria-pressed': 'false' },
    on: { click: () => onShow(wearer.id) },
  });
  const heading = el('h2');
  const element = el(
    'li',
    { className: 'person-card', dataset: { wearerId: wearer.id } },
    heading,
    alarm,
    el(
      'dl',
      { className: 'facts' },
      el('dt', { text: 'Last seen' }),
      lastSeen,
      el('dt', { text: 'Battery' }),
      battery,
      el('dt', { text: 'Position' }),
      position,
    ),
    show,
  );

  return {
    element,
    update(w, now) {
      heading.textContent = w.name;
      alarm.textContent = w.alarm.text;
      alarm.dataset.state = w.alarm.state;
      lastSeen.textContent = w.lastSeenAt === null ? 'never' : sinceText(w.lastSeenAt, now);
      battery.textContent = batteryText(w);
      battery.classList.toggle('battery-low', w.batt !== null && w.batt < LOW_BATTERY_PERCENT && !w.charging);
      position.textContent = w.position
        ? `${positionText(w.position)} at ${whenText(w.position.ts, now)}`
        : 'no position yet';
      show.textContent = `Show ${w.name} on the map`;
    },
    select(selected) {
      element.classList.toggle('selected', selected);
      show.setAttribute('aria-pressed', String(selected));
    },
  };
}
