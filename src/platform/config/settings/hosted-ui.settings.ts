import { oneOf, text } from '../setting';

/** The hosted sign-in page at `/` (src/modules/hosted-ui). */
export const hostedUiSettings = {
  // Lands in `hostedUi.enabled` with its environment-dependent default (config.derived.ts).
  HOSTED_UI_ENABLED: text(
    null,
    oneOf('', 'true', 'false')
      .insensitive()
      .description('Serve the hosted sign-in page at / (unset: on outside production, off in production)'),
  ),
};
