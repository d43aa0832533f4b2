import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { buildApiDocument } from '../../src/api-document';

/** The document of the default config (6-digit codes), as GET /v1/openapi.json serves it. */
const doc = buildApiDocument({ codeLength: 6 }) as unknown as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: doc.components });

/**
 * Fails unless the response is declared in the OpenAPI document for this path and method
 * (status and media type) and its body matches the declared schema: the document cannot drift.
 */
export function expectMatchesOpenApi(res: Response, method: string, path: string): void {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  const declared = operation.responses[String(res.status)];
  if (!declared)
    throw new Error(`${method} ${path} answered ${res.status}, which the document does not declare`);
  if (!declared.content) {
    if (res.text && res.text.length > 0) throw new Error(`${res.status} should have no body`);
    return;
  }
  const mediaType = (res.headers['content-type'] ?? '').split(';')[0];
  const media = declared.content[mediaType];
  if (!media) throw new Error(`${method} ${path} ${res.status} answered ${mediaType}, not declared`);
  if (mediaType.endsWith('json')) {
    const schema = JSON.parse(JSON.stringify(media.schema).replace(/#\/components/g, 'openapi#/components'));
    const validate = ajv.compile(schema);
    if (!validate(res.body)) {
      throw new Error(
        `${method} ${path} ${res.status} body does not match: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
}
