import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import document from '../../contract/openapi.json';

/**
 * Checks an answer against the OpenAPI document (contract/openapi.json): its status must be one
 * the operation documents, and its body must fit that response's schema. The handler clients
 * (http-handlers.ts, api-harness.ts) and every `fetch` to a sandbox (contract-setup.ts) call it,
 * so a field added, renamed or retyped without the document following fails the test that saw it.
 */

type Responses = Record<string, { content?: Record<string, unknown> }>;
interface Operation {
  readonly responses: Responses;
}
type PathItem = Record<string, Operation>;

const paths = document.paths as unknown as Record<string, PathItem>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi');
const validators = new Map<string, ValidateFunction>();

/** Documented paths as patterns, the most specific (most literal characters) first. */
const TEMPLATES = Object.keys(paths)
  .map((template) => ({
    template,
    pattern: new RegExp(
      `^${template
        .split(/(\{[^}]+\})/)
        .map((piece) => (piece.startsWith('{') ? '([^/]+)' : piece.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('')}$`,
    ),
    literal: template.replace(/\{[^}]+\}/g, '').length,
  }))
  .sort((a, b) => b.literal - a.literal);

/** The documented path template a request path falls under, if any. */
export function documentedPath(pathname: string): string | undefined {
  // The routers answer a path with trailing slashes as the path without them (docs/api.md says so
  // in words); Healthchecks' routes are documented with theirs (/api/v3/checks/), so look as asked first.
  const find = (path: string) => TEMPLATES.find(({ pattern }) => pattern.test(path))?.template;
  return find(pathname) ?? find(pathname.replace(/(.)\/+$/, '$1'));
}

/** Whether CronSentry's router (not the dashboard's static files) answers this path. */
export function isRoutedPath(pathname: string): boolean {
  return /^\/(api|ping|badge)(\/|$)/.test(pathname);
}

function pointer(...parts: string[]): string {
  return '#/' + parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi${ref}` });
    validators.set(ref, validate);
  }
  return validate;
}

export interface ObservedAnswer {
  readonly method: string;
  /** Path and query, as requested. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/** What is wrong with an answer by the document, or undefined when it fits. */
export function contractProblem(answer: ObservedAnswer): string | undefined {
  const pathname = new URL(answer.url, 'http://contract.invalid').pathname;
  const what = `${answer.method} ${pathname} → ${answer.status}`;
  const template = documentedPath(pathname);
  const method = answer.method.toLowerCase();
  // HEAD is GET without the body (RFC 9110 §9.3.2): a GET route answers it, with the GET's statuses.
  const operation = template
    ? (paths[template]?.[method] ?? (method === 'head' ? paths[template]?.get : undefined))
    : undefined;
  if (!template || !operation) {
    // Not a documented route: only a refusal may answer it, in one of the documented error shapes.
    // Keys are checked before routing, so an unknown route answers 401 to a caller without one.
    if (![401, 404, 405, 413].includes(answer.status)) {
      return `${what}: no documented operation, and the answer is not a refusal`;
    }
    if (!answer.text || !answer.contentType?.includes('json')) return undefined;
    const body = JSON.parse(answer.text) as unknown;
    return validatorFor(pointer('components', 'schemas', 'Error'))(body) ||
      validatorFor(pointer('components', 'schemas', 'HealthchecksError'))(body)
      ? undefined
      : `${what}: not a documented error shape: ${answer.text.slice(0, 300)}`;
  }
  const status = String(answer.status);
  const response = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (!response) {
    return `${what}: status not documented for ${answer.method} ${template} (documented: ${Object.keys(operation.responses).join(', ')})`;
  }
  const hasBody = answer.text !== '' && answer.method !== 'HEAD';
  if (!hasBody) return undefined;
  const content = response.content ?? {};
  const mediaType = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(mediaType in content)) {
    return `${what}: content type ${mediaType || '(none)'} not documented (documented: ${Object.keys(content).join(', ') || 'no body'})`;
  }
  if (mediaType !== 'application/json') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${what}: the body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  const statusKey = operation.responses[status] ? status : `${status[0]}XX`;
  const validate = validatorFor(
    pointer('paths', template, method, 'responses', statusKey, 'content', mediaType, 'schema'),
  );
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '(body)'} ${error.message} ${JSON.stringify(error.params)}`)
    .join('; ');
  return `${what}: the body does not fit the document: ${errors}\n${answer.text.slice(0, 500)}`;
}

/** Throws (failing the test) when the answer does not fit the document. */
export function assertContract(answer: ObservedAnswer): void {
  const problem = contractProblem(answer);
  if (problem) throw new Error(`contract/openapi.json: ${problem}`);
}

/** Origins of the sandboxes this test file started (sandbox-process.ts): their answers are checked. */
export const SANDBOX_ORIGINS = new Set<string>();
