import { adminRouteTable } from './modules/admin';
import { authRouteTable } from './modules/auth';
import { webhookRouteTable } from './modules/email';
import { metaRouteTable } from './platform/http/meta.routes';
import { buildOpenApiDocument } from './platform/http/openapi';

const built = new Map<string, ReturnType<typeof buildOpenApiDocument>>();

/**
 * The OpenAPI document of every route the app serves: the same tables the modules register,
 * for the same config (the code length is in the verify schema, the CAPTCHA in the request's). Converting the Joi schemas
 * takes a few hundred milliseconds, so each document is built once, when first asked for.
 */
export function buildApiDocument(options: { codeLength: number; captcha?: boolean }) {
  const key = `${options.codeLength}:${options.captcha === true}`;
  let doc = built.get(key);
  if (!doc) {
    const auth = authRouteTable({ codeLength: options.codeLength, captcha: options.captcha === true });
    doc = buildOpenApiDocument([auth, metaRouteTable, webhookRouteTable, adminRouteTable]);
    built.set(key, doc);
  }
  return doc;
}
