// The log-in form both pages share (ids login-form, login-email, login-password, login-submit,
// login-error): the API's own message on failure, with the wait when logins are throttled.
import type { UserView } from '../../../api/live/console-contract.js';
import { callApi, type ApiError } from './api-client.js';
import { byId } from './element.js';

export function loginFailureText(error: ApiError): string {
  const retryAfterS = (error.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
  if (error.code === 'ARC_ERR_AUTH_THROTTLED' && typeof retryAfterS === 'number')
    return `${error.message} (about ${retryAfterS} s).`;
  return error.message;
}

/** Wires the form; `entered` runs with the user once the session cookie is set. */
export function wireLoginForm(entered: (user: UserView) => void): void {
  const form = byId<HTMLFormElement>('login-form');
  const email = byId<HTMLInputElement>('login-email');
  const password = byId<HTMLInputElement>('login-password');
  const submit = byId<HTMLButtonElement>('login-submit');
  const error = byId('login-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    const result = await callApi<{ user: UserView }>('POST', '/api/auth/login', {
      email: email.value.trim(),
      password: password.value,
    });
    submit.disabled = false;
    if (!result.ok) {
      error.textContent = loginFailureText(result.error);
      return;
    }
    form.reset();
    entered(result.body.user);
  });
}
