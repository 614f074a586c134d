#!/usr/bin/env node
// The benchmark: how close bulkhub is to the machine, as ratios measured in one run.
//
//   npm run bench                          100,000 and 1,000,000 rows, writes BENCHMARKS.md
//   npm run bench -- --rows 20000          one size
//   npm run bench -- --no-write            print only
//   npm run bench -- --cli path/main.js    measure another build (e.g. an older commit)
//   npm run bench -- --webex-runs 5        the Webex step 5 times (default 3; 0 leaves it out)
//   npm run bench -- --rows 0              the Webex step alone
//
// For each size it generates a deterministic file (scripts/generate-users.mjs) and runs, each
// as its own child process with its wall time and peak resident memory:
//   floor     read the file and count lines in Node
//   baseline  csv-parse alone, streaming, counting records
//   validate  bulkhub users validate (the full plan against an empty directory)
//   import    bulkhub users import into a fresh embedded directory
//   reimport  the same import again (every row unchanged)
//   report    bulkhub runs report of the import's run: the review page (report.html) built
//             again from the journal; its size is printed under the table
// Ratios to the baseline are what to compare: absolute times on shared machines drift.
//
// Then, for workbooks (--xlsx-rows, default 10,000 and 100,000), the same generated rows as an
// Excel workbook (shared strings, as Excel writes them) and as a CSV, each imported into a fresh
// directory: the peak memory of the workbook import is the number to watch (it should not grow
// with the rows).
//
// Then the Webex step (scripts/bench/webex-load.mjs): --webex-rows rows (default 300) through
// the Webex adapter against the fake Webex in its own process, limited to 50 requests a second,
// with 5% of the answers 500/503 and 2% of the changing requests' connections dropped after the
// change was applied; each run checks that nothing was lost or doubled and reports the request
// rate the fake admitted as a fraction of the limit. Several runs, because a shared machine
// spreads the numbers: the table gives each one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    rows: { type: 'string', multiple: true },
    'xlsx-rows': { type: 'string', multiple: true },
    dir: { type: 'string', default: join(root, '.bench') },
    cli: { type: 'string', default: join(root, 'dist/src/cli/main.js') },
    label: { type: 'string', default: 'current' },
    'no-write': { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'BENCHMARKS.md') },
    'webex-runs': { type: 'string', default: '3' },
    'webex-rows': { type: 'string', default: '300' },
  },
});
const sizes = (values.rows ?? ['100000', '1000000']).map(Number).filter((rows) => rows > 0);
const workbookSizes = (values['xlsx-rows'] ?? ['10000', '100000']).map(Number).filter((n) => n > 0);
const dir = values.dir;
mkdirSync(dir, { recursive: true });
const rssProbe = join(root, 'scripts/bench/max-rss.mjs');

/** Runs one node process; returns wall seconds and peak RSS in MB (from the process itself). */
function measure(name, args, expectCodes = [0, 1]) {
  const rssFile = join(dir, `${name}.rss`);
  rmSync(rssFile, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', rssProbe, ...args], {
    cwd: dir,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!expectCodes.includes(result.status)) {
    throw new Error(`${name} exited with ${result.status} (${result.signal ?? ''}):\n${result.stderr.slice(-2000)}`);
  }
  const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  return { name, seconds, rssMb, stdout: result.stdout };
}

/** A directory with the bench customer: 50 locations and one site, as the generator expects. */
function freshDirectory(path) {
  rmSync(path, { force: true });
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  const setup = `
    const { openDb } = await import(${JSON.stringify(join(root, 'dist/src/db/open.js'))});
    const { migrateDirectory } = await import(${JSON.stringify(join(root, 'dist/src/backends/sqlite/schema.js'))});
    const d = await import(${JSON.stringify(join(root, 'dist/src/backends/sqlite/directory.js'))});
    const db = openDb(${JSON.stringify(path)}); migrateDirectory(db);
    d.createCustomer(db, { id: 'bench', name: 'Bench BV', adminEmail: 'admin@bench.example.com', package: 'webex_meetings' });
    for (let i = 0; i < 50; i++) d.addLocation(db, { customerId: 'bench', name: 'Site ' + i, country: 'NL' });
    d.addSite(db, { customerId: 'bench', url: 'bench.webex.com' }); db.close();`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', setup], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
}

function benchSize(rows) {
  const file = join(dir, `users-${rows}.csv`);
  if (!existsSync(file)) {
    const gen = spawnSync(process.execPath, [join(root, 'scripts/generate-users.mjs'), '--rows', String(rows), '--out', file]);
    if (gen.status !== 0) throw new Error('generator failed');
  }
  const cli = (...args) => [values.cli, ...args, '--customer', 'bench', '--quiet'];
  const results = [];
  results.push(measure('floor', [join(root, 'scripts/bench/count-lines.mjs'), file], [0]));
  results.push(measure('baseline', [join(root, 'scripts/bench/csv-parse-count.mjs'), file], [0]));
  const validateDb = join(dir, 'validate.db');
  freshDirectory(validateDb);
  results.push(measure('validate', cli('users', 'validate', file, '--db', validateDb, '--out', join(dir, 'out-validate'))));
  const importDb = join(dir, 'import.db');
  freshDirectory(importDb);
  results.push(measure('import', cli('users', 'import', file, '--db', importDb, '--out', join(dir, 'out-import'))));
  results.push(measure('reimport', cli('users', 'import', file, '--db', importDb, '--out', join(dir, 'out-reimport'))));
  const importRun = JSON.parse(readFileSync(join(dir, 'out-import', 'summary.json'), 'utf8')).runId;
  const page = join(dir, `report-${rows}.html`);
  const report = measure('report', [values.cli, 'runs', 'report', importRun, '--db', importDb, '--out', page, '--quiet'], [0]);
  report.pageBytes = statSync(page).size;
  results.push(report);
  const summary = JSON.parse(readFileSync(join(dir, 'out-reimport', 'summary.json'), 'utf8'));
  if (summary.added + summary.modified + summary.removed !== 0) throw new Error('the re-import changed something');
  const baseline = results.find((r) => r.name === 'baseline').seconds;
  for (const r of results) {
    r.rowsPerSecond = Math.round(rows / r.seconds);
    r.ratio = r.seconds / baseline;
  }
  return { rows, results };
}

function generated(rows, extension) {
  const file = join(dir, `users-${rows}.${extension}`);
  if (!existsSync(file)) {
    const args = [join(root, 'scripts/generate-users.mjs'), '--rows', String(rows), '--out', file, ...(extension === 'xlsx' ? ['--xlsx'] : [])];
    const gen = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generator failed: ${gen.stderr}`);
  }
  return file;
}

/** The same rows imported from a workbook and from a CSV, each into a fresh directory. */
function benchWorkbook(rows) {
  const results = [];
  for (const [name, extension] of [['import xlsx', 'xlsx'], ['import csv', 'csv']]) {
    const file = generated(rows, extension);
    const db = join(dir, `import-${extension}.db`);
    freshDirectory(db);
    const out = join(dir, `out-${extension}`);
    const step = measure(name, [values.cli, 'users', 'import', file, '--customer', 'bench', '--quiet', '--db', db, '--out', out]);
    step.rowsPerSecond = Math.round(rows / step.seconds);
    step.summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    results.push(step);
  }
  const [xlsx, csv] = results;
  for (const key of ['rows', 'added', 'errors']) {
    if (xlsx.summary[key] !== csv.summary[key]) throw new Error(`the workbook and the CSV gave different ${key}: ${xlsx.summary[key]} and ${csv.summary[key]}`);
  }
  return { rows, results };
}

function workbookTable(runs) {
  const lines = ['| rows | step | wall s | rows/s | peak RSS MB |', '|---:|---|---:|---:|---:|'];
  for (const { rows, results } of runs) {
    for (const r of results) lines.push(`| ${rows.toLocaleString('en')} | ${r.name} | ${r.seconds.toFixed(2)} | ${r.rowsPerSecond.toLocaleString('en')} | ${Math.round(r.rssMb)} |`);
  }
  return lines.join('\n');
}

function table(runs) {
  const lines = ['| rows | step | wall s | rows/s | × baseline | peak RSS MB |', '|---:|---|---:|---:|---:|---:|'];
  for (const { rows, results } of runs) {
    for (const r of results) {
      lines.push(`| ${rows.toLocaleString('en')} | ${r.name} | ${r.seconds.toFixed(2)} | ${r.rowsPerSecond.toLocaleString('en')} | ${r.ratio.toFixed(2)} | ${Math.round(r.rssMb)} |`);
    }
  }
  const pages = runs.flatMap(({ rows, results }) => results.filter((r) => r.pageBytes !== undefined)
    .map((r) => `- report.html at ${rows.toLocaleString('en')} rows: ${(r.pageBytes / 1024).toFixed(0)} KiB, built in ${r.seconds.toFixed(2)} s (\`runs report\`, one process)`));
  return [...lines, '', ...pages].join('\n');
}

/** The Webex step: the adapter's request rate under faults, as a fraction of the fake's limit. */
function benchWebex(runs, rows) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`bench: Webex, ${rows} rows, run ${i + 1} of ${runs}...\n`);
    const result = spawnSync(process.execPath, [join(root, 'scripts/bench/webex-load.mjs'), '--rows', String(rows), '--seed', String(i + 1)], { encoding: 'utf8', maxBuffer: 16 << 20 });
    const line = result.stdout.trim().split('\n').pop() ?? '';
    if (result.status !== 0) throw new Error(`the Webex step failed (run ${i + 1}):\n${line}\n${result.stderr.slice(-2000)}`);
    results.push({ ...JSON.parse(line), load: loadavg()[0] });
  }
  return results;
}

function webexTable(results) {
  const lines = [
    '| run | rows | wall s | requests | requests/s | fraction of the 50/s limit | 429s | 500/503 | retried | in doubt | reconciled | load average |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  results.forEach((r, i) => {
    const faults = (r.byStatus['500'] ?? 0) + (r.byStatus['503'] ?? 0);
    lines.push(`| ${i + 1} | ${r.rows} | ${r.seconds.toFixed(1)} | ${r.admitted} | ${r.perSecond.toFixed(1)} | ${r.fraction.toFixed(3)} | ${r.throttled429} | ${faults} | ${r.client.retried} | ${r.client.doubted} | ${r.client.reconciled} | ${r.load.toFixed(1)} |`);
  });
  const fractions = results.map((r) => r.fraction).sort((a, b) => a - b);
  const median = fractions[Math.floor(fractions.length / 2)];
  lines.push('', `Webex step: fraction of the limit ${fractions.length > 1 ? `from ${fractions[0].toFixed(3)} to ${fractions.at(-1).toFixed(3)}, median ${median.toFixed(3)}` : fractions[0].toFixed(3)}; nothing lost or doubled in any run.`);
  return lines.join('\n');
}

const runs = sizes.map((rows) => {
  process.stderr.write(`bench: ${rows.toLocaleString('en')} rows...\n`);
  return benchSize(rows);
});
const workbookRuns = workbookSizes.map((rows) => {
  process.stderr.write(`bench: workbook of ${rows.toLocaleString('en')} rows...\n`);
  return benchWorkbook(rows);
});
const webexRuns = Number(values['webex-runs']);
const webex = webexRuns > 0 ? benchWebex(webexRuns, Number(values['webex-rows'])) : [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
const workbooks = workbookRuns.length > 0 ? `\nWorkbook (.xlsx) import against the same rows as a CSV:\n\n${workbookTable(workbookRuns)}\n` : '';
const webexText = webex.length > 0 ? `\n${webexTable(webex)}\n` : '';
const text = `### ${values.label} (${new Date().toISOString().slice(0, 10)})\n\nMachine: ${machine}\n\n${runs.length > 0 ? `${table(runs)}\n` : ''}${workbooks}${webexText}`;
process.stdout.write(`${text}\n`);
if (!values['no-write']) {
  const previous = existsSync(values.out) ? readFileSync(values.out, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`. Newest measurements last.\n';
  writeFileSync(values.out, `${previous.trimEnd()}\n\n${text}`);
}
