import { adminRouteTable } from './modules/admin';
import { authRouteTable } from './modules/auth';
import { webhookRouteTable } from './modules/email';
import { metaRouteTable } from './platform/http/meta.routes';
import { buildOpenApiDocument } from './platform/http/openapi';

const built = new Map<number, ReturnType<typeof buildOpenApiDocument>>();

/**
 * The OpenAPI document of every route the app serves: the same tables the modules register,
 * for the same config (the code length is in the verify schema). Converting the Joi schemas
 * takes a few hundred milliseconds, so each document is built once, when first asked for.
 */
export function buildApiDocument(options: { codeLength: number }) {
  let doc = built.get(options.codeLength);
  if (!doc) {
    doc = buildOpenApiDocument([authRouteTable(options), metaRouteTable, webhookRouteTable, adminRouteTable]);
    built.set(options.codeLength, doc);
  }
  return doc;
}
