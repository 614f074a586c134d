import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Operation, type Request } from 'openapi-backend';
import type { Exchange } from '../../src/dev/fake-webex/server.js';

/**
 * The referee: Cisco's published OpenAPI subset (test/fixtures/webex-spec) checks every request
 * that reaches the fake Webex and every answer the fake gives. The checks are openapi-backend's
 * (routing by method and path, query parameters against the declared ones, bodies with ajv);
 * this file only loads the documents, makes them strict and records what fails.
 *
 * Strict: every object schema that lists its properties gets `additionalProperties: false`
 * (the fixtures' README: "forbidding properties a schema does not list shows fields the API
 * does not declare"). openapi-backend already refuses undeclared query parameters.
 */

const FILES = ['wholesale-provisioning', 'people-licenses-roles', 'locations', 'locations-create', 'telephony-move-users'];
const FIXTURES = new URL('../fixtures/webex-spec/', import.meta.url);

type Json = Record<string, unknown>;

/** Adds `additionalProperties: false` to every object schema that names its properties. */
function strict(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(strict);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.properties && typeof schema.properties === 'object' && schema.additionalProperties === undefined) schema.additionalProperties = false;
  for (const [key, value] of Object.entries(schema)) if (key !== 'example' && key !== 'examples') strict(value);
}

/**
 * The documented defects of the source (fixtures README), each worked around here and nowhere else.
 * Returns the operations whose answers are not checked.
 */
function workAroundDefects(name: string, doc: Json): Set<string> {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  if (name === 'wholesale-provisioning') {
    // `info` is declared an object; the examples show an array of them.
    for (const precheck of ['CustomerProvisioningPrecheckResponse', 'SubscriberProvisioningPrecheckResponse']) {
      const properties = schemas[precheck]!.properties as Json;
      const info = properties.info as Json;
      properties.info = { anyOf: [info, { type: 'array', items: info }] };
    }
  }
  // The Location schema of webex-device.json is the workspace location's (a name clash).
  return name === 'locations' ? new Set(['listLocations']) : new Set();
}

interface Loaded {
  name: string;
  api: OpenAPIBackend;
  unchecked: Set<string>;
}

let loading: Promise<Loaded[]> | undefined;

function load(): Promise<Loaded[]> {
  loading ??= Promise.all(
    FILES.map(async (name) => {
      const doc = JSON.parse(readFileSync(new URL(`${name}.subset.json`, FIXTURES), 'utf8')) as Json;
      const unchecked = workAroundDefects(name, doc);
      strict(doc.paths);
      strict((doc.components as Json).schemas);
      // quick: the source files are not strictly valid OpenAPI 3.0 ($ref with siblings), which
      // openapi-backend would refuse to load; the operations and schemas themselves are fine.
      const api = new OpenAPIBackend({ definition: doc as never, quick: true, strict: true, validate: true, ajvOpts: { strict: false, allErrors: true } });
      await api.init();
      return { name, api, unchecked };
    }),
  );
  return loading;
}

export interface Violation {
  request: string;
  problem: string;
}

/** Collects what the spec refuses, exchange by exchange; `assertClean` fails a test with all of it. */
export class SpecReferee {
  readonly violations: Violation[] = [];
  /** Every exchange seen, in order (tests look at what was sent). */
  readonly exchanges: Exchange[] = [];
  checked = 0;
  private specs: Loaded[] = [];

  static async create(): Promise<SpecReferee> {
    const referee = new SpecReferee();
    referee.specs = await load();
    return referee;
  }

  /** Checks one exchange with the fake: the request against its operation, the answer against its schema. */
  readonly check = (exchange: Exchange): void => {
    this.checked++;
    this.exchanges.push(exchange);
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of exchange.query) {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const request: Request = {
      method: exchange.method.toLowerCase(),
      path: exchange.path,
      query,
      headers: { 'content-type': 'application/json' },
      ...(exchange.body !== undefined && { body: exchange.body }),
    };
    const where = `${exchange.method} ${exchange.path}${exchange.query.size > 0 ? `?${exchange.query}` : ''}`;
    let matched: { spec: Loaded; operation: Operation } | undefined;
    for (const spec of this.specs) {
      const operation = spec.api.matchOperation(request);
      if (operation) {
        matched = { spec, operation };
        break;
      }
    }
    if (!matched) {
      this.violations.push({ request: where, problem: 'no such operation in the published spec' });
      return;
    }
    const { spec, operation } = matched;
    const verdict = spec.api.validateRequest(request, operation);
    for (const e of verdict.errors ?? []) this.violations.push({ request: where, problem: `request ${e.instancePath || '/'} ${e.message}${describeParams(e.params)}` });
    if (!exchange.reply || spec.unchecked.has(operation.operationId ?? '')) return;
    const answer = spec.api.validateResponse(exchange.reply.body, operation, exchange.reply.status);
    for (const e of answer.errors ?? []) {
      this.violations.push({ request: where, problem: `answer ${exchange.reply.status} ${e.instancePath || '/'} ${e.message}${describeParams(e.params)}` });
    }
  };

  /** Forgets what was recorded (a test that provokes a violation on purpose). */
  clear(): void {
    this.violations.length = 0;
  }

  assertClean(): void {
    if (this.violations.length === 0) return;
    const lines = [...new Set(this.violations.map((v) => `${v.request}: ${v.problem}`))];
    throw new Error(`The published Webex spec refuses ${this.violations.length} exchange(s) with the fake:\n  ${lines.slice(0, 40).join('\n  ')}`);
  }
}

function describeParams(params: unknown): string {
  const p = params as { additionalProperty?: string; allowedValues?: unknown[]; missingProperty?: string } | undefined;
  if (p?.additionalProperty) return ` (${p.additionalProperty})`;
  if (p?.missingProperty) return ` (${p.missingProperty})`;
  if (p?.allowedValues) return ` (${p.allowedValues.join(', ')})`;
  return '';
}
