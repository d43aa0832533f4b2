/** The hosted sign-in page's public face: what the composition root uses. */
export { createHostedUiModule, type HostedUiModule, type HostedUiModuleDeps } from './hosted-ui.module';
