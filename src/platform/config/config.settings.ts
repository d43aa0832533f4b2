import type { EnvOf } from './setting';
import { authSettings } from './settings/auth.settings';
import { captchaSettings } from './settings/captcha.settings';
import { emailSettings } from './settings/email.settings';
import { hostedUiSettings } from './settings/hosted-ui.settings';
import { operationsSettings } from './settings/operations.settings';
import { serverSettings, shutdownSettings } from './settings/server.settings';
import { storageSettings } from './settings/storage.settings';
import { tracingSettings } from './settings/tracing.settings';

/** Every setting, in the order `.env.example` and the README table list them. */
export const settings = {
  ...serverSettings,
  ...storageSettings,
  ...emailSettings,
  ...operationsSettings,
  ...tracingSettings,
  ...authSettings,
  ...captchaSettings,
  ...hostedUiSettings,
  ...shutdownSettings,
};

/** Every variable as its setting reads it (blank strings unset, lists split): what the rules see. */
export type Env = EnvOf<typeof settings>;
