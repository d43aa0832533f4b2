import type Joi from 'joi';
import type JoiToJson from 'joi-to-json';
import type { ResponseSpec, RouteSpec, RouteTable, SchemaSpec } from './route-table';

type Json = Record<string, unknown>;

/** What Joi cannot say, kept by hand: info, tags, security schemes, the problem+json component. */
export interface DocumentBase {
  info: Json;
  servers: Json[];
  tags: Json[];
  securitySchemes: Json;
  schemas: Json;
}

const isJoi = (s: unknown): s is Joi.Schema =>
  typeof s === 'object' && s !== null && typeof (s as { describe?: unknown }).describe === 'function';

/**
 * joi-to-json keeps a pattern key's regex as a property named `/regex/` beside
 * patternProperties; the property would match only that literal key, so it is dropped.
 */
function tidy(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tidy);
  if (typeof node !== 'object' || node === null) return;
  const o = node as Json;
  const props = o.properties as Json | undefined;
  if (props && o.patternProperties) {
    for (const p of Object.keys(o.patternProperties as Json)) delete props[`/${p}/`];
    if (Object.keys(props).length === 0) delete o.properties;
  }
  Object.values(o).forEach(tidy);
}

/** Converts Joi to OpenAPI 3.1 schemas; a schema with an `.id()` becomes a named component. */
function converter(components: Json) {
  // Loaded when a document is built (first GET /v1/openapi.json or /docs): it brings lodash.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = require('joi-to-json') as typeof JoiToJson;
  return (spec: SchemaSpec): Json => {
    if (typeof spec === 'string') return { $ref: `#/components/schemas/${spec}` };
    if (!isJoi(spec)) return spec as Json;
    const out = parse(spec, 'open-api-3.1') as Json;
    const { schemas, ...schema } = out;
    Object.assign(components, schemas as Json | undefined);
    tidy(schema);
    tidy(schemas);
    return schema;
  };
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(
  convert: (s: SchemaSpec) => Json,
  where: 'path' | 'query' | 'header' | 'cookie',
  schema: Joi.ObjectSchema | undefined,
): Json[] {
  if (!schema) return [];
  const object = convert(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      ...(where === 'path' || object.required?.includes(name) ? { required: true } : {}),
      schema: propertySchema,
      ...(description ? { description } : {}),
    };
  });
}

/**
 * A path parameter whose percent-encoding does not decode (`%E0%A4%A`) answers 404 before the
 * route runs (platform/errors/error-handler.ts), so every route with one may answer 404.
 */
const undecodablePath: ResponseSpec = {
  description: 'The path does not decode as percent-encoded UTF-8 (not_found)',
  content: { 'application/problem+json': 'Problem' },
};

function responses(
  convert: (s: SchemaSpec) => Json,
  specs: Record<string, ResponseSpec>,
  hasPathParams: boolean,
): Json {
  const out: Json = {};
  if (hasPathParams && !specs['404']) specs = { ...specs, '404': undecodablePath };
  for (const [status, r] of Object.entries(specs)) {
    const content = r.content
      ? Object.fromEntries(Object.entries(r.content).map(([type, s]) => [type, { schema: convert(s) }]))
      : undefined;
    const headers = r.headers
      ? Object.fromEntries(
          Object.entries(r.headers).map(([name, description]) => [
            name,
            { description, schema: { type: 'string' } },
          ]),
        )
      : undefined;
    out[status] = {
      description: r.description,
      ...(headers ? { headers } : {}),
      ...(content ? { content } : {}),
    };
  }
  return out;
}

function operation(convert: (s: SchemaSpec) => Json, spec: RouteSpec): Json {
  const { request } = spec;
  const params = [
    ...parameters(convert, 'path', request?.params),
    ...parameters(convert, 'query', request?.query),
    ...parameters(convert, 'header', request?.headers),
    ...parameters(convert, 'cookie', request?.cookies),
  ];
  const security = spec.security
    ? spec.security.map((set) => Object.fromEntries(set.map((scheme) => [scheme, []])))
    : spec.auth && [{ [spec.auth.scheme]: [] }];
  let requestBody: Json | undefined;
  if (request?.body) {
    requestBody = {
      required: !request.bodyOptional,
      content: { 'application/json': { schema: convert(request.body) } },
    };
  } else if (request?.raw) {
    const content = Object.entries(request.raw.content).map(([type, s]) => [type, { schema: convert(s) }]);
    requestBody = { required: true, content: Object.fromEntries(content) };
  }
  return {
    operationId: spec.operationId,
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(security ? { security } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(convert, spec.responses, spec.path.includes(':')),
  };
}

/** The OpenAPI 3.1 document of the given route tables: paths, parameters and schemas from Joi. */
export function buildOpenApi(base: DocumentBase, tables: RouteTable[]) {
  const schemas: Json = {};
  const convert = converter(schemas);
  const paths: Record<string, Json> = {};
  const add = (path: string, method: string, op: Json) => {
    paths[openApiPath(path)] = { ...paths[openApiPath(path)], [method]: op };
  };
  for (const table of tables) {
    for (const spec of table.routes) {
      const op = operation(convert, spec);
      add(spec.path, spec.method, op);
      if (spec.alias) {
        const { path, operationId, description } = spec.alias;
        add(path, spec.method, { ...op, operationId, description });
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: base.info,
    servers: base.servers,
    tags: base.tags,
    paths,
    components: { securitySchemes: base.securitySchemes, schemas: { ...schemas, ...base.schemas } },
  };
}
