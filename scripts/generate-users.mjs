#!/usr/bin/env node
// Writes a deterministic wholesale user CSV (or Excel workbook) for benchmarks and soak tests (see USAGE below).
// --xlsx writes the same rows as a workbook the way Excel does (shared strings after the sheet,
// TRUE/FALSE as boolean cells, the rest as text), with exceljs's streaming writer (a dev dependency).
// Realistic content: quoted display names ("Last, First"), doubled quotes, non-ASCII names, a mix
// of packages, about 3% removals and about 2% invalid rows.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';

const USAGE = `Usage: node scripts/generate-users.mjs --out FILE [--rows N] [--seed S] [--xlsx]

Writes a users CSV (or, with --xlsx, an Excel workbook) of N rows (default 100000) for
benchmarks and soak tests. The same seed (default 42) writes the same file on every machine.

The rows name locations "Site 0" to "Site 49" and the Meetings site bench.webex.com; create
them in the customer first, for example:

  bulkhub customers create --id bench --name Bench --admin-email admin@bench.example.com --package "Webex Suite"
  for i in $(seq 0 49); do bulkhub locations add --customer bench --name "Site $i" --country NL; done
  bulkhub sites add --customer bench --url bench.webex.com
  node scripts/generate-users.mjs --rows 200000 --out users.csv
  bulkhub users import users.csv --customer bench

Options:
  --out FILE   the CSV (or workbook) to write (required)
  --rows N     how many data rows (a whole number, at least 1)
  --seed S     seed of the random choices (a whole number)
  --xlsx       write an .xlsx workbook instead of a CSV
  -h, --help   this text
`;

/** Refuses a bad command line in one line and exit code 2, as bulkhub does. */
function usageError(message) {
  process.stderr.write(`generate-users: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      xlsx: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usageError(error.message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!values.out) usageError('--out FILE is required.');
if (!/^[1-9][0-9]*$/.test(values.rows)) usageError(`--rows must be a whole number of at least 1, not "${values.rows}".`);
if (!/^[0-9]+$/.test(values.seed)) usageError(`--seed must be a whole number, not "${values.seed}".`);
const rows = Number(values.rows);
let state = Number(values.seed) >>> 0;
/** mulberry32: small, fast, and the same sequence on every machine. */
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const LOCATIONS = Array.from({ length: 50 }, (_, i) => `Site ${i}`);
const FIRST = ['Anna', 'Pieter', 'Sanne', 'Daan', 'Lotte', 'Björn', 'Zoë', 'José', 'Ørjan', 'Łukasz', '健太', '지민', 'Αλέξης', 'Дмитрий', 'محمد', 'Noa', 'Émile', 'Siobhán'];
const LAST = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Åberg', 'Müller', 'García', 'Nowak', '佐藤', '김', 'Παπαδόπουλος', 'Иванов', 'El Amrani', "O'Brien", 'van der Berg'];
const PACKAGES = ['webex_calling', 'webex_calling_standard', 'webex_suite', 'webex_voice', 'webex_meetings'];
const HEADER = 'User ID/Email (Required),First Name,Last Name,Display Name,Extension,Phone Number,Location,Preferred Webex Site,Jabber Calling,Jabber with Webex Teams,Webex Calling,Webex Calling Standard,Webex Suite,Webex Voice,Webex Meetings,Basic Messaging,Basic Space Meetings,Calling via Webex';
const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const bool = () => (random() < 0.5 ? 'TRUE' : 'FALSE');

/** One row's cells, in HEADER's order. */
function cells(n) {
  const email = `user${n}@bench.example.com`;
  const roll = random();
  if (roll < 0.03) return [email, '', '', '', '', '', '', '', '', '', 'FALSE', 'FALSE', 'FALSE', 'FALSE', 'FALSE', '', '', ''];
  const first = pick(FIRST);
  const last = pick(LAST);
  const display = random() < 0.1 ? `${first} "${first.slice(0, 2)}" ${last}` : `${last}, ${first}`;
  const pkg = pick(PACKAGES);
  const location = LOCATIONS[n % LOCATIONS.length];
  // Unique per location and per customer: derived from the row number.
  let extension = String(1000 + Math.floor(n / LOCATIONS.length)).padStart(7, '0');
  let phone = `+3120${String(n).padStart(7, '0')}`;
  let preferred = pkg === 'webex_voice' ? '' : 'bench.webex.com';
  if (roll > 0.98) {
    // about 2% invalid rows, a different mistake each
    const mistake = Math.floor(random() * 4);
    if (mistake === 0) extension = '1';
    else if (mistake === 1) phone = phone.slice(1);
    else if (mistake === 2) preferred = 'elsewhere.webex.com';
    else return [email.replace('@', ''), first, last, display, extension, phone, location, preferred, 'FALSE', 'TRUE', 'TRUE', 'FALSE', 'FALSE', 'FALSE', 'FALSE', 'TRUE', 'TRUE', 'TRUE'];
  }
  const packages = PACKAGES.map((p) => (p === pkg ? 'TRUE' : 'FALSE'));
  return [email, first, last, display, extension, phone, location, preferred, bool(), bool(), ...packages, bool(), bool(), bool()];
}

const line = (n) => cells(n).map(quote).join(',');

if (values.xlsx) {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: values.out, useSharedStrings: true, useStyles: false });
  const sheet = book.addWorksheet('Users');
  sheet.addRow(HEADER.split(',')).commit();
  const typed = (v) => (v === 'TRUE' ? true : v === 'FALSE' ? false : v === '' ? null : v);
  for (let n = 0; n < rows; n++) sheet.addRow(cells(n).map(typed)).commit();
  sheet.commit();
  await book.commit();
  process.exit(0);
}

const out = createWriteStream(values.out);
out.write(`${HEADER}\n`);
let chunk = [];
for (let n = 0; n < rows; n++) {
  chunk.push(line(n));
  if (chunk.length === 5000 || n === rows - 1) {
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
  }
}
out.end();
await once(out, 'close');
