// A step that cannot be undone (rotating a secret, decommissioning a device) is asked twice.
import { el } from '../shared/element.js';
import { button } from '../shared/form.js';

/**
 * A step that cannot be undone is asked twice: the first button shows the warning and the
 * confirming button, and the safe choice (Cancel) takes the focus, so Enter alone does nothing.
 * `settle` is the submit handler's first step: true when it was only the asking or the cancel.
 */
export function askedTwice(askLabel: string, confirmLabel: string, warningText: string) {
  const ask = button(askLabel, 'ask');
  const confirm = button(confirmLabel, 'confirm', 'danger');
  const cancel = button('Cancel', 'cancel');
  const warning = el('p', { className: 'warning', attrs: { hidden: true }, text: warningText });
  const asking = (yes: boolean) => {
    ask.hidden = yes;
    confirm.hidden = !yes;
    cancel.hidden = !yes;
    warning.hidden = !yes;
  };
  asking(false);
  return {
    buttons: [ask, confirm, cancel],
    warning,
    done: () => asking(false),
    settle(submitter: HTMLButtonElement | null | undefined): boolean {
      if (submitter?.value === 'ask') {
        asking(true);
        cancel.focus();
        return true;
      }
      if (submitter?.value === 'cancel') {
        asking(false);
        ask.focus();
        return true;
      }
      return false;
    },
  };
}
