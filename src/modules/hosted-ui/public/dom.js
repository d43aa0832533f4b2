/** Small DOM helpers shared by the page's scripts: views, messages, strings. */

export const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
};

/** The page's wording for messages, rendered by the server in the page's language. */
export const strings = JSON.parse(byId('ui-strings').textContent ?? '{}');

/** Fills `{name}` placeholders of a string of `strings`. */
export const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);

const VIEWS = ['email', 'code', 'account', 'step-up'];

/**
 * Shows one view and hides the others. Focus moves to `focus` (default: the view's heading),
 * so keyboard and screen-reader users land at the start of what changed.
 */
export function show(view, focus = `${view}-heading`) {
  byId('loading').hidden = true;
  for (const name of VIEWS) byId(`view-${name}`).hidden = name !== view;
  if (focus) byId(focus).focus();
}

export const visible = (view) => !byId(`view-${view}`).hidden;

/** Puts `message` in a role="alert" paragraph (announced) and marks `inputs` invalid. */
export function setError(id, message, inputs = []) {
  byId(id).textContent = message;
  for (const input of inputs) input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/** Clears every error of the page. */
export function clearErrors() {
  for (const element of document.querySelectorAll('.error')) element.textContent = '';
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** Says something that is not an error in the polite role="status" region. */
export function announce(message) {
  byId('status').textContent = message;
}

/**
 * Runs `work` once at a time for `form` (a second submit while one is in flight is ignored),
 * with aria-busy set meanwhile.
 */
export async function busy(form, work) {
  if (form.getAttribute('aria-busy') === 'true') return;
  form.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    form.removeAttribute('aria-busy');
  }
}
