/**
 * The hosted sign-in page: email → code (or the link in the email) → the signed-in view with
 * the user's sessions, sign out, and sign out everywhere else (with a step-up when asked).
 */
import { allSessions, client } from './api.js';
import { codeBoxes } from './code-boxes.js';
import { announce, busy, byId, clearErrors, setError, show, strings, visible } from './dom.js';
import { errorMessage, isSignedOut } from './errors.js';
import { renderSessions } from './sessions.js';

const emailInput = byId('email');
const code = codeBoxes(byId('digits'), () => byId('code-form').requestSubmit());
const stepUpInput = byId('step-up-code');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address the code was sent to, and the step-up method asked for, if any. */
let email = '';
let stepUpMethod = 'totp';

let loadingAccount = null;

/** The signed-in view, freshly loaded (once at a time: a sign-in here and its onChange share it). */
function showAccount(focus) {
  loadingAccount ??= (async () => {
    const [me, sessions] = await Promise.all([client.me(), allSessions()]);
    byId('account-email').textContent = me.email;
    renderSessions(byId('sessions'), sessions);
    show('account', focus);
  })().finally(() => {
    loadingAccount = null;
  });
  return loadingAccount;
}

function signedOut(message, focus) {
  email = '';
  code.clear();
  announce(message ?? '');
  show('email', focus);
}

byId('email-form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearErrors();
  const typed = emailInput.value.trim();
  if (!EMAIL.test(typed)) return setError('email-error', strings.errors.invalidEmail, [emailInput]);
  void busy(event.currentTarget, async () => {
    try {
      await client.requestCode(typed);
      email = typed;
      byId('sent-to').textContent = typed;
      code.clear();
      announce('');
      show('code', 'digit-1');
    } catch (error) {
      setError('email-error', errorMessage(error, strings.errors.invalidEmail), [emailInput]);
      emailInput.focus();
    }
  });
});

byId('code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearErrors();
  if (!code.complete()) {
    setError('code-error', strings.errors.incompleteCode, code.boxes);
    return code.focus();
  }
  void busy(event.currentTarget, async () => {
    try {
      await client.verify(email, code.value());
      announce('');
      await showAccount();
    } catch (error) {
      code.clear();
      setError('code-error', errorMessage(error, strings.errors.invalidCode), code.boxes);
      code.focus();
    }
  });
});

byId('resend').addEventListener('click', () => {
  clearErrors();
  void busy(byId('code-form'), async () => {
    try {
      await client.requestCode(email);
      code.clear();
      announce(strings.codeSent);
      code.focus();
    } catch (error) {
      setError('code-error', errorMessage(error));
    }
  });
});

byId('change-email').addEventListener('click', () => {
  clearErrors();
  signedOut('', 'email');
});

byId('sign-out').addEventListener('click', () => {
  clearErrors();
  void busy(byId('view-account'), async () => {
    try {
      await client.logout();
      signedOut(strings.signedOut);
    } catch (error) {
      if (isSignedOut(error)) return signedOut(strings.errors.sessionEnded);
      setError('account-error', errorMessage(error));
    }
  });
});

/** DELETE /v1/sessions; a stale step-up opens the step-up view and the button is pressed again after. */
async function signOutOthers() {
  try {
    await client.revokeOtherSessions();
    announce(strings.othersSignedOut);
    await showAccount('account-heading');
  } catch (error) {
    if (error?.code !== 'step_up_required') throw error;
    stepUpMethod = (error.methods ?? []).includes('totp') ? 'totp' : 'email';
    if (stepUpMethod === 'email') await client.requestStepUpCode();
    const totp = stepUpMethod === 'totp';
    byId('step-up-intro').textContent = totp ? strings.stepUpTotpIntro : strings.stepUpEmailIntro;
    byId('step-up-label').textContent = totp ? strings.stepUpTotpLabel : strings.stepUpEmailLabel;
    stepUpInput.value = '';
    show('step-up', 'step-up-code');
  }
}

byId('sign-out-others').addEventListener('click', () => {
  clearErrors();
  void busy(byId('view-account'), async () => {
    try {
      await signOutOthers();
    } catch (error) {
      if (isSignedOut(error)) return signedOut(strings.errors.sessionEnded);
      setError('account-error', errorMessage(error));
    }
  });
});

byId('step-up-form').addEventListener('submit', (event) => {
  event.preventDefault();
  clearErrors();
  const typed = stepUpInput.value.replace(/\s/g, '');
  if (!/^\d+$/.test(typed)) return setError('step-up-error', strings.errors.invalidCode, [stepUpInput]);
  void busy(event.currentTarget, async () => {
    try {
      await client.stepUp(stepUpMethod === 'totp' ? { totpCode: typed } : { emailCode: typed });
      await signOutOthers();
    } catch (error) {
      if (isSignedOut(error)) return signedOut(strings.errors.sessionEnded);
      setError('step-up-error', errorMessage(error, strings.errors.invalidCode), [stepUpInput]);
      stepUpInput.focus();
    }
  });
});

byId('step-up-cancel').addEventListener('click', () => {
  clearErrors();
  show('account', 'sign-out-others');
});

/** The CSRF cookie is set and cleared with the refresh cookie: without it, no session to resume. */
const resumable = () => document.cookie.split('; ').some((cookie) => cookie.startsWith('__Host-csrf='));

/**
 * Another tab signed in (say, with the link in the email) or out, or this tab's session ended:
 * the library tells every tab, and the page follows.
 */
client.onChange((state) => {
  const onAccount = visible('account') || visible('step-up');
  const firstLoad = !byId('loading').hidden;
  if (state.signedIn && !onAccount) void showAccount(firstLoad ? null : undefined).catch(() => undefined);
  if (!state.signedIn && onAccount) signedOut(strings.signedOut);
});

// Back from the email on the code view: the link may have signed this browser in meanwhile.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && visible('code') && resumable()) {
    void client.refresh().catch(() => undefined);
  }
});

// First load: resume the session of the cookies (one refresh), else the email form. Focus stays.
(resumable() ? client.refresh() : Promise.reject(new Error('no session')))
  .then(() => showAccount(null))
  .catch(() => show('email', null));
