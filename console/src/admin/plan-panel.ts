// A response plan as an editable ladder: who, how, which contact, how long to wait, and the
// author's own words for the operator. For a wearer, saving gives them their own plan and "use
// the default" goes back to their organisation's default for their profile, else the ARC's; for
// an organisation, it edits its default for one profile. The ARC checks each step (e.g. a contact
// step must name a contact the wearer has) and its errors land on the step's own control.
import type { PlanStepView, ResponsePlanView } from '../../../api/live/console-contract.js';
import { HOW_FOR_WHO, MAX_STEPS, MAX_WAIT_S, StepWho, type StepHow } from '../../../api/rules/response-plan.js';
import { callApi, fieldErrors, type ApiError, type ApiResult } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { PROFILE_WORDS } from '../shared/wearer-words.js';
import { panel, statusLine, tableHead } from './admin-section.js';

const WHO_WORDS: Record<StepWho, string> = {
  wearer: 'The wearer',
  contact: 'A contact',
  police: 'Police (URN)',
  ambulance: 'Ambulance (999)',
};
const HOW_WORDS: Record<StepHow, string> = {
  operator_call: 'Operator calls',
  sms: 'ARC sends an SMS',
  email: 'ARC sends an email',
  webhook: 'ARC sends a webhook',
};

export interface PlanPanel {
  readonly element: HTMLElement;
  /** Reads the plan again; `keepEdits` leaves the steps being edited alone (warnings only). */
  reload(keepEdits?: boolean): void;
}

/** A plan as the editor shows it: its steps, whether it is a default, and what to say about it. */
export interface PlanState {
  steps: PlanStepView[];
  isDefault: boolean;
  stateText: string;
  warnings: string[];
}

/** Where the editor reads and writes its plan. */
export interface PlanSource {
  title: string;
  resetLabel: string;
  resetDone: string;
  load(): Promise<ApiResult<PlanState>>;
  save(steps: PlanStepView[]): Promise<ApiResult<PlanState>>;
  reset(): Promise<ApiResult<PlanState>>;
}

const SOURCE_WORDS = { organisation: 'the organisation’s default plan', arc: 'the default plan' } as const;

function wearerState(view: ResponsePlanView): PlanState {
  const words = view.planSource === 'organisation' ? SOURCE_WORDS.organisation : SOURCE_WORDS.arc;
  return {
    steps: view.plan.steps,
    isDefault: view.isDefault,
    warnings: view.warnings,
    stateText: view.isDefault
      ? `Using ${words} for ${PROFILE_WORDS[view.profile]}. Saving makes it this wearer’s own.`
      : 'This wearer has their own plan.',
  };
}

const mapped = <T, U>(answer: ApiResult<T>, f: (body: T) => U): ApiResult<U> =>
  answer.ok ? { ...answer, body: f(answer.body) } : answer;

export function planPanel(wearerId: string): PlanPanel {
  const path = `/api/wearers/${wearerId}/response-plan`;
  return planEditor({
    title: 'Response plan',
    resetLabel: 'Use the profile default',
    resetDone: 'The profile default plan applies again.',
    load: async () => mapped(await callApi<ResponsePlanView>('GET', path), wearerState),
    save: async (steps) => mapped(await callApi<ResponsePlanView>('PUT', path, { steps }), wearerState),
    reset: async () => mapped(await callApi<ResponsePlanView>('DELETE', path), wearerState),
  });
}

export function planEditor(source: PlanSource): PlanPanel {
  const status = statusLine();
  const state = el('p', { className: 'admin-note' });
  const warnings = el('ul', { className: 'warnings' });
  const rows = el('tbody');
  const alert = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  let steps: PlanStepView[] = [];

  const select = (name: string, options: [string, string][], value: string, label: string) => {
    const s = el('select', { attrs: { name, 'aria-label': label } });
    for (const [v, words] of options)
      s.append(el('option', { attrs: { value: v, selected: v === value }, text: words }));
    return s;
  };

  function control(index: number, field: string, c: HTMLElement): HTMLElement {
    const error = el('p', { className: 'field-error', dataset: { errorFor: `steps.${index}.${field}` } });
    return el('td', null, c, error);
  }

  function draw(): void {
    rows.replaceChildren(
      ...steps.map((step, i) => {
        const n = i + 1;
        const who = select(
          `steps.${i}.who`,
          StepWho.map((w) => [w, WHO_WORDS[w]]),
          step.who,
          `Step ${n}: who`,
        );
        const how = select(
          `steps.${i}.how`,
          HOW_FOR_WHO[step.who].map((h) => [h, HOW_WORDS[h]]),
          step.how,
          `Step ${n}: how`,
        );
        const position = el('input', {
          attrs: {
            type: 'number',
            name: `steps.${i}.contactPosition`,
            min: 1,
            step: 1,
            'aria-label': `Step ${n}: contact number`,
            disabled: step.who !== 'contact',
            value: step.contactPosition ?? '',
          },
        });
        const wait = el('input', {
          attrs: {
            type: 'number',
            name: `steps.${i}.waitS`,
            min: 0,
            max: MAX_WAIT_S,
            step: 1,
            'aria-label': `Step ${n}: wait (seconds)`,
            value: step.waitS,
          },
        });
        const note = el('input', {
          attrs: {
            type: 'text',
            name: `steps.${i}.instruction`,
            maxlength: 500,
            'aria-label': `Step ${n}: words for the operator`,
            value: step.instruction ?? '',
          },
        });
        const mandatory = el('input', {
          attrs: {
            type: 'checkbox',
            name: `steps.${i}.mandatory`,
            'aria-label': `Step ${n}: must be logged before a genuine alarm is resolved`,
            checked: step.mandatory === true,
          },
        });
        mandatory.addEventListener('change', () => (steps[i].mandatory = mandatory.checked ? true : undefined));
        who.addEventListener('change', () => {
          const next = who.value as StepWho;
          steps[i] = {
            who: next,
            how: HOW_FOR_WHO[next][0],
            waitS: step.waitS,
            ...(next === 'contact' && { contactPosition: 1 }),
            ...(step.instruction && { instruction: step.instruction }),
            ...(step.mandatory && { mandatory: true }),
          };
          draw();
        });
        how.addEventListener('change', () => (steps[i].how = how.value as StepHow));
        position.addEventListener(
          'input',
          () => (steps[i].contactPosition = position.value === '' ? undefined : position.valueAsNumber),
        );
        wait.addEventListener('input', () => (steps[i].waitS = wait.valueAsNumber));
        note.addEventListener(
          'input',
          () => (steps[i].instruction = note.value.trim() === '' ? undefined : note.value),
        );
        const move = (to: number) => {
          [steps[i], steps[to]] = [steps[to], steps[i]];
          draw();
        };
        return el(
          'tr',
          null,
          el('th', { attrs: { scope: 'row' }, text: String(n) }),
          control(i, 'who', who),
          control(i, 'contactPosition', position),
          control(i, 'how', how),
          control(i, 'waitS', wait),
          control(i, 'instruction', note),
          control(i, 'mandatory', mandatory),
          el(
            'td',
            { className: 'row-buttons' },
            el('button', {
              attrs: { type: 'button', disabled: i === 0, 'aria-label': `Move step ${n} up` },
              text: '↑',
              on: { click: () => move(i - 1) },
            }),
            el('button', {
              attrs: { type: 'button', disabled: i === steps.length - 1, 'aria-label': `Move step ${n} down` },
              text: '↓',
              on: { click: () => move(i + 1) },
            }),
            el('button', {
              attrs: { type: 'button', 'aria-label': `Remove step ${n}` },
              text: 'Remove',
              on: { click: () => (steps.splice(i, 1), draw()) },
            }),
          ),
        );
      }),
    );
    addStep.disabled = steps.length >= MAX_STEPS;
  }

  function showPlan(view: PlanState, keepEdits = false): void {
    warnings.replaceChildren(...view.warnings.map((w) => el('li', { text: w })));
    if (keepEdits) return;
    steps = view.steps.map((s) => ({ ...s }));
    state.textContent = view.stateText;
    useDefault.disabled = view.isDefault;
    draw();
  }

  function showError(error: ApiError): void {
    const byField = fieldErrors(error);
    let placed = 0;
    for (const [field, message] of byField) {
      const slot = rows.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`);
      if (!slot) continue;
      slot.textContent = message;
      rows.querySelector(`[name="${CSS.escape(field)}"]`)?.setAttribute('aria-invalid', 'true');
      placed++;
    }
    if (placed < byField.size || byField.size === 0) alert.textContent = error.message;
  }

  function clearErrors(): void {
    alert.textContent = status.textContent = '';
    for (const slot of rows.querySelectorAll('.field-error')) slot.textContent = '';
    for (const c of rows.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  }

  async function send(method: 'PUT' | 'DELETE', done: string): Promise<void> {
    clearErrors();
    const answer = method === 'PUT' ? await source.save(steps) : await source.reset();
    if (!answer.ok) return showError(answer.error);
    showPlan(answer.body);
    status.textContent = done;
  }

  const addStep = el('button', {
    attrs: { type: 'button' },
    text: 'Add a step',
    on: { click: () => (steps.push({ who: 'contact', contactPosition: 1, how: 'operator_call', waitS: 60 }), draw()) },
  });
  const save = el('button', { attrs: { type: 'submit' }, text: 'Save plan' });
  const useDefault = el('button', {
    attrs: { type: 'button' },
    text: source.resetLabel,
    on: { click: () => void send('DELETE', source.resetDone) },
  });
  const form = el(
    'form',
    { className: 'plan-form', attrs: { novalidate: true, 'aria-label': 'Response plan steps' } },
    el(
      'table',
      { className: 'admin-table plan-table' },
      tableHead('Step', 'Who', 'Contact no.', 'How', 'Wait (s)', 'Words for the operator', 'Must log', ''),
      rows,
    ),
    el('div', { className: 'buttons' }, addStep, save, useDefault),
    alert,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send('PUT', 'Plan saved.');
  });

  function reload(keepEdits = false): void {
    void source.load().then((answer) => {
      if (answer.ok) showPlan(answer.body, keepEdits);
      else alert.textContent = `The response plan could not be loaded: ${answer.error.message}`;
    });
  }
  reload();
  const element = panel(source.title, state, warnings, form, status);
  element.classList.add('wide');
  return { element, reload };
}
