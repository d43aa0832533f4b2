/**
 * The wording of the hosted page in one language. Values are plain text (the page template
 * escapes them). `{email}`, `{product}`, `{n}`, `{i}`, `{seconds}`, `{browser}`, `{os}` and
 * `{date}` are filled in where the text is used; `script` is what the page script shows
 * (handed to it as JSON), the rest is rendered into the HTML by the server.
 */
export interface HostedUiStrings {
  /** The document title: "Sign in to {product}". */
  title: string;
  loading: string;
  noscript: string;
  email: { heading: string; intro: string; label: string; submit: string };
  code: {
    heading: string;
    /** Contains `{email}`, shown in bold. */
    sentTo: string;
    legend: string;
    /** The label of each box: "Digit {i} of {n}". */
    digit: string;
    submit: string;
    linkHint: string;
    resend: string;
    changeEmail: string;
  };
  account: {
    heading: string;
    /** Contains `{email}`, shown in bold. */
    signedInAs: string;
    sessions: string;
    signOut: string;
    signOutOthers: string;
  };
  stepUp: { heading: string; confirm: string; cancel: string };
  /** "Questions? Write to" before the support address (as in the emails). */
  help: string;
  script: ScriptStrings;
}

/** What the page script needs; sent to it as JSON, so plain strings only. */
export interface ScriptStrings {
  codeSent: string;
  signedOut: string;
  othersSignedOut: string;
  thisDevice: string;
  /** "{browser} on {os}". */
  device: string;
  unknownDevice: string;
  /** "Last active {date}". */
  lastActive: string;
  stepUpTotpIntro: string;
  stepUpTotpLabel: string;
  stepUpEmailIntro: string;
  stepUpEmailLabel: string;
  errors: {
    invalidEmail: string;
    incompleteCode: string;
    invalidCode: string;
    /** Contains `{seconds}`. */
    rateLimited: string;
    captcha: string;
    sessionEnded: string;
    network: string;
    generic: string;
  };
}

/** Fills `{name}` placeholders; an unknown one is left as it is. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
