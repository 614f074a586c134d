import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Backend } from '../backends/port.js';
import { requireCustomer, type LocationRecord } from '../backends/sqlite/directory.js';
import { csvText, UTF8_BOM } from '../csv/write.js';
import { openCsv, type CsvRecord } from '../csv/read.js';
import type { Db } from '../db/open.js';
import { COLUMNS } from '../domain/columns.js';
import { NEEDS_NUMBER_AND_LOCATION } from '../domain/packages.js';
import { writeFileWhole } from '../reports/partial-file.js';
import { validateRow } from '../domain/row.js';
import { runImport, type ImportResult } from '../import/run-import.js';
import type { Progress } from '../import/progress.js';
import { addBranches, checkBranches, readBranchLocations } from './branch-locations.js';
import { assignNumbers, parseNumberPool, type NumberAssignment, type NumberNeed, type NumberPool } from './number-pool.js';

/**
 * "Set up customer" (seed 003): add the branch locations, give users with a calling package a
 * phone number from a pool, then create the users through the one import pipeline, with its
 * journal and reports. The pool is applied before the import, to a copy of the users file in
 * the report folder, so the pipeline itself knows nothing about pools.
 */

export interface CustomerSetupOptions {
  db: Db;
  backend: Backend;
  customerId: string;
  locationsFile?: string;
  usersFile?: string;
  numberPool?: string;
  outDir: string;
  logger: Logger;
  progress?: Progress;
  concurrency?: number;
}

export interface CustomerSetupResult {
  customerId: string;
  locations: { added: LocationRecord[]; existing: string[] };
  numbers: NumberAssignment[];
  /** The users file that was imported: the one given, or its copy with the assigned numbers. */
  importedFile?: string;
  import?: ImportResult;
}

export const NUMBERED_COPY = 'users-with-numbers.csv';

export async function setUpCustomer(options: CustomerSetupOptions): Promise<CustomerSetupResult> {
  const { db, backend } = options;
  const customer = requireCustomer(db, options.customerId);
  const pool = options.numberPool === undefined ? undefined : parseNumberPool(options.numberPool);
  // Everything that can refuse is checked before the first change.
  const branches = options.locationsFile ? readBranchLocations(options.locationsFile) : [];
  const { add, existing } = checkBranches(db, customer.id, branches);
  let numbers: NumberAssignment[] = [];
  let importedFile = options.usersFile && resolve(options.usersFile);
  if (importedFile && pool) {
    const planned = await planNumbers(db, backend, customer.id, importedFile, pool);
    numbers = planned.numbers;
    if (numbers.length > 0) importedFile = writeNumberedCopy(planned, numbers, options.outDir);
  }

  const added = addBranches(db, customer.id, add);
  const result: CustomerSetupResult = { customerId: customer.id, locations: { added, existing }, numbers };
  if (!importedFile) return result;
  const outcome = await runImport({
    file: importedFile,
    customerId: customer.id,
    db,
    backend,
    outDir: options.outDir,
    logger: options.logger,
    ...(options.progress && { progress: options.progress }),
    ...(options.concurrency && { concurrency: options.concurrency }),
  });
  return { ...result, importedFile, import: outcome };
}

export interface PlannedNumbers {
  header: string[];
  records: CsvRecord[];
  phoneColumn: number | undefined;
  numbers: NumberAssignment[];
}

/**
 * Reads the users file as the import will, and finds the users who need a number: a calling
 * package, no Extension or Phone Number in the row, and none in the directory already.
 */
async function planNumbers(db: Db, backend: Backend, customerId: string, file: string, pool: NumberPool): Promise<PlannedNumbers> {
  const csv = await openCsv(file);
  const layout = { index: csv.header.index, width: csv.header.names.length };
  const taken = new Set(db.prepare('SELECT phone_number FROM users WHERE customer_id = ? AND phone_number IS NOT NULL').pluck().all(customerId) as string[]);
  const records: CsvRecord[] = [];
  const candidates: NumberNeed[] = [];
  for await (const record of csv.records) {
    records.push(record);
    const { intent } = validateRow(record.cells, layout, 'add-remove');
    if (intent?.kind !== 'set') continue; // rows with errors are the import's to report
    const { phoneNumber, extension } = intent.attributes;
    if (phoneNumber) taken.add(phoneNumber);
    if (intent.package && NEEDS_NUMBER_AND_LOCATION.has(intent.package) && !phoneNumber && !extension) {
      candidates.push({ email: intent.email, line: record.line });
    }
  }
  const known = await backend.findUsers(customerId, candidates.map((c) => c.email));
  const needs = candidates.filter((c) => {
    const user = known.get(c.email);
    return !(user?.phoneNumber || user?.extension);
  });
  return { header: csv.header.names, records, phoneColumn: csv.header.index.phoneNumber, numbers: assignNumbers(needs, pool, taken) };
}

/** The users file with the numbers filled in (and a Phone Number column added when it had none). */
export function writeNumberedCopy(planned: PlannedNumbers, numbers: readonly NumberAssignment[], outDir: string): string {
  const byLine = new Map(numbers.map((n) => [n.line, n.phoneNumber]));
  const column = planned.phoneColumn ?? planned.header.length;
  const header = planned.phoneColumn === undefined ? [...planned.header, COLUMNS.phoneNumber] : planned.header;
  const rows = planned.records.map(({ line, cells }) => {
    const copy = planned.phoneColumn === undefined ? [...cells, ''] : [...cells];
    const number = byLine.get(line);
    if (number !== undefined) copy[column] = number;
    return copy;
  });
  mkdirSync(outDir, { recursive: true });
  const path = join(resolve(outDir), NUMBERED_COPY);
  // Written like the reports: BOM, CRLF, formula-like cells neutralised (the reader undoes it).
  writeFileWhole(path, UTF8_BOM + csvText([header, ...rows]));
  return path;
}
