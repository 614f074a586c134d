import { inDatabase, OTHER_DATABASE, type Db } from '../db/open.js';
import { RunRefused } from '../domain/codes.js';
import { optionalText, parseCountry, requireText } from '../backends/sqlite/validate.js';
import { requireSubscription } from './subscriptions.js';
import { newId, parseLanguage } from './validate.js';

/**
 * Onboarding templates (seed 003): required before provisioning Wholesale customers; one
 * template serves many customers. Saving one yields the provisioning ID that customer creation
 * asks for.
 */

export type AuthMethod = 'webex' | 'partner';

export interface Template {
  provisioningId: string;
  name: string;
  subscriptionId: string;
  country: string;
  language: string;
  /** `webex`: Webex authentication (the default); `partner`: the partner's own SAML identity provider. */
  auth: AuthMethod;
  pstnProvider: string | null;
  createdAt: string;
  customers: number;
}

export interface NewTemplate {
  name: string;
  subscriptionId: string;
  country: string;
  language: string;
  auth: AuthMethod;
  pstnProvider?: string;
}

/** Seed 003, step 10: the vendor does not recommend a Cloud Connected PSTN provider in a template. */
export const PSTN_WARNING =
  'A Cloud Connected PSTN provider in an onboarding template is accepted, but the vendor advises against it because of the limitations of that approach; set up PSTN per customer instead.';

export function createTemplate(db: Db, input: NewTemplate): { template: Template; warnings: string[] } {
  const name = requireText('Template name', input.name, 80);
  const country = parseCountry(input.country);
  const language = parseLanguage(input.language);
  const pstnProvider = optionalText('PSTN provider', input.pstnProvider, 80);
  return db.transaction(() => {
    const subscription = requireSubscription(db, input.subscriptionId);
    const taken = db.prepare('SELECT provisioning_id FROM templates WHERE name = ?').pluck().get(name) as string | undefined;
    if (taken) throw new RunRefused('BAD_ARGUMENTS', `A template named "${name}" already exists (provisioning ID ${taken}); template names are unique.`);
    let id: string;
    do id = newId('prov', 12);
    while (db.prepare('SELECT 1 FROM templates WHERE provisioning_id = ?').get(id));
    db.prepare(
      'INSERT INTO templates (provisioning_id, name, subscription_id, country, language, auth, pstn_provider) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(id, name, subscription.id, country, language, input.auth, pstnProvider);
    return { template: requireTemplate(db, id), warnings: pstnProvider ? [PSTN_WARNING] : [] };
  }).immediate();
}

const SELECT = `SELECT provisioning_id AS provisioningId, name, subscription_id AS subscriptionId, country, language, auth,
  pstn_provider AS pstnProvider, created_at AS createdAt,
  (SELECT count(*) FROM customer_orgs c WHERE c.provisioning_id = t.provisioning_id) AS customers
  FROM templates t`;

export function requireTemplate(db: Db, provisioningId: string): Template {
  const row = db.prepare(`${SELECT} WHERE provisioning_id = ?`).get(provisioningId.trim()) as Template | undefined;
  if (row) return row;
  throw new RunRefused(
    'TEMPLATE_NOT_FOUND',
    `No onboarding template has provisioning ID "${provisioningId}"${inDatabase(db)}. List them with \`bulkhub templates list\`, ` +
      `or create one with \`bulkhub templates create\`. ${OTHER_DATABASE}`,
  );
}

export function listTemplates(db: Db): Template[] {
  return db.prepare(`${SELECT} ORDER BY name`).all() as Template[];
}
