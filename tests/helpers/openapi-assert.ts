import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { buildApiDocument } from '../../src/api-document';

type Parameter = { name: string; in: 'path' | 'query'; required?: boolean; schema: object };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

/** The document of the default config (6-digit codes), as GET /v1/openapi.json serves it. */
const doc = buildApiDocument({ codeLength: 6 }) as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: doc.components });
/** Query and path values arrive as strings: coerced to the declared types, as Joi converts them. */
const coercing = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
addFormats(coercing);

const compile = (schema: object, using = ajv) =>
  using.compile(JSON.parse(JSON.stringify(schema).replace(/#\/components/g, 'openapi#/components')));

function operationOf(method: string, path: string): Operation {
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  return operation;
}

/**
 * Fails unless the response is declared in the OpenAPI document for this path and method
 * (status and media type) and its body matches the declared schema: the document cannot drift.
 */
export function expectMatchesOpenApi(res: Response, method: string, path: string): void {
  const operation = operationOf(method, path);
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
    const validate = compile(media.schema);
    if (!validate(res.body)) {
      throw new Error(
        `${method} ${path} ${res.status} body does not match: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
}

/**
 * Checks a request (JSON body, query, path parameters) against the document: the problems, or
 * [] when the document accepts it. Tests hold the document's verdict to the app's own answer.
 */
export function openApiRequestProblems(
  method: string,
  path: string,
  request: { body?: unknown; query?: Record<string, string>; params?: Record<string, string> },
): string[] {
  const operation = operationOf(method, path);
  const problems: string[] = [];
  for (const where of ['query', 'path'] as const) {
    const given = (where === 'query' ? request.query : request.params) ?? {};
    const declared = (operation.parameters ?? []).filter((p) => p.in === where);
    const validate = compile(
      {
        type: 'object',
        properties: Object.fromEntries(declared.map((p) => [p.name, p.schema])),
        required: declared.filter((p) => p.required).map((p) => p.name),
        additionalProperties: false,
      },
      coercing,
    );
    if (!validate({ ...given })) problems.push(`${where}: ${coercing.errorsText(validate.errors)}`);
  }
  const body = operation.requestBody;
  if (request.body === undefined) {
    if (body?.required) problems.push('body: required');
  } else {
    const media = body?.content['application/json'];
    if (!media) problems.push('body: none declared');
    else {
      const validate = compile(media.schema);
      if (!validate(request.body)) problems.push(`body: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}
