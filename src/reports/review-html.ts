import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunRows } from '../journal/rows.js';
import type { RunRecord } from '../journal/runs.js';
import type { Counts } from '../journal/types.js';
import { writeFileWhole } from './partial-file.js';
import { buildReview, type Review, type ReviewGroup, type ReviewRow } from './review.js';
import { REVIEW_CSS, REVIEW_JS } from './review-assets.js';

export interface ReviewLinks {
  /** Where errors.csv and results.csv are, as links from the page (relative when the page is beside them). */
  errorsCsv: string;
  resultsCsv: string;
}

/**
 * The review page: one self-contained HTML file (style and script inline, no request to
 * anything). Every value from the file or the journal is escaped, so a cell such as
 * `<script>` shows as text; the Content-Security-Policy allows only the page's own style and
 * script (by hash) and no network at all, in case anything ever slipped through.
 */
export function renderReview(review: Review, links: ReviewLinks): string {
  const title = `Review of run ${review.run.id}`;
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(REVIEW_CSS)}'`,
    `script-src '${sha256(REVIEW_JS)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${REVIEW_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${facts(review)}
</header>
<main>
${verdict(review, links)}
${countsSection(review.counts, review.run.dryRun)}
${problemsSection(review, links)}
</main>
<footer>Written by bulkhub from the run journal. Every row is in <a href="${esc(links.resultsCsv)}">results.csv</a>; the rows to fix, with their cells, in <a href="${esc(links.errorsCsv)}">errors.csv</a>.</footer>
<script>${REVIEW_JS}</script>
</body>
</html>
`;
}

/**
 * Builds a run's review page from the journal and writes it to `path` (by default report.html
 * in the run's report folder). Its links to the CSV reports are relative when it sits beside
 * them, else file URLs of the run's report folder. Returns the review written.
 */
export function writeReviewPage(run: RunRecord, journal: RunRows, path = join(run.outDir, 'report.html')): Review {
  const review = buildReview(run, journal);
  const beside = resolve(dirname(path)) === resolve(run.outDir);
  const link = (name: string) => (beside ? name : pathToFileURL(join(run.outDir, name)).href);
  const html = renderReview(review, { errorsCsv: link('errors.csv'), resultsCsv: link('results.csv') });
  mkdirSync(dirname(path), { recursive: true });
  // Written under a fresh temporary name and renamed into place: never a half page, never through a planted link.
  writeFileWhole(path, html);
  return review;
}

// --- Sections ---

function facts(review: Review): string {
  const r = review.run;
  const items: Array<[string, string]> = [
    ['Customer', r.customerId],
    ['File', r.inputFile],
    ['Target', r.backend],
    ['Mode', r.mode + (r.allowRemovals ? ', removals allowed' : '')],
    ['Started', r.startedAt],
    ...(r.finishedAt ? ([['Finished', r.finishedAt]] as Array<[string, string]>) : []),
  ];
  return `<dl class="facts">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

function verdict(review: Review, links: ReviewLinks): string {
  const { run, counts, refusal } = review;
  const lines: string[] = [];
  let tone: 'good' | 'warn' | 'bad';
  if (run.state === 'file-refused') {
    tone = 'bad';
    lines.push('<strong>Nothing applied: the file was refused.</strong>');
  } else if (run.state === 'refused') {
    tone = 'bad';
    lines.push(`<strong>Nothing applied.</strong> ${fmt(counts.notApplied)} ${plural(counts.notApplied, 'row')} with a change ${counts.notApplied === 1 ? 'was' : 'were'} not applied.`);
  } else if (['ingesting', 'planned', 'applying'].includes(run.state)) {
    tone = 'warn';
    lines.push(`<strong>Unfinished (${esc(run.state)}).</strong> Run the same import again to finish it.`);
  } else if (run.dryRun) {
    tone = counts.errors > 0 || refusal ? 'warn' : 'good';
    lines.push('<strong>Dry run: nothing was changed.</strong> The counts are what the real run would do.');
  } else {
    tone = counts.errors > 0 ? 'warn' : 'good';
    lines.push(counts.errors > 0
      ? `<strong>Completed with ${fmt(counts.errors)} ${plural(counts.errors, 'row')} to fix.</strong> The other rows were applied.`
      : '<strong>Completed: every row was applied.</strong>');
  }
  if (refusal) lines.push(`<code>${esc(refusal.code)}</code>: ${esc(refusal.message)}`);
  if (counts.errors > 0) lines.push(`Fix the rows in <a href="${esc(links.errorsCsv)}">errors.csv</a> and import that file again.`);
  lines.push(guardLine(review));
  if (counts.rows === 0 && run.state !== 'file-refused') lines.push('<code>NO_DATA_ROWS</code>: the file has a header and no data rows.');
  const notices = review.notices.map((n) => `<li><code>${esc(n.code)}</code>: ${esc(n.message)}</li>`).join('');
  return `<section class="verdict ${tone}" aria-labelledby="verdict-h">
<h2 id="verdict-h" class="sr">Outcome</h2>
${lines.map((l) => `<p>${l}</p>`).join('\n')}
${notices ? `<ul class="notices" aria-label="File warnings">${notices}</ul>` : ''}
</section>`;
}

function guardLine(review: Review): string {
  const guard = review.guard;
  const rule = 'it stops a run that removes more than 10 users and more than 10% of the customer';
  if (!guard) return review.run.state === 'file-refused' ? 'Removal guard: not reached (the file was refused first).' : 'Removal guard: not recorded for this run.';
  const what = `${fmt(guard.removals)} planned ${plural(guard.removals, 'removal')} of the customer's ${fmt(guard.userCount)} ${plural(guard.userCount, 'user')}`;
  switch (guard.verdict) {
    case 'passed': return `Removal guard: passed (${what}; ${rule}).`;
    case 'allowed': return `Removal guard: over the limit (${what}) but allowed with <code>--allow-removals</code>.`;
    case 'would-stop': return `Removal guard: <strong>the real run would be stopped</strong> (${what}; ${rule}).`;
    case 'stopped': return `Removal guard: <strong>stopped the run</strong> (${what}; ${rule}). If the removals are intended, run again with <code>--allow-removals</code>.`;
  }
}

const BARS: Array<{ key: keyof Counts; label: string; colour: string }> = [
  { key: 'added', label: 'Added', colour: '#1a7f37' },
  { key: 'modified', label: 'Modified', colour: '#0969da' },
  { key: 'removed', label: 'Removed', colour: '#8250df' },
  { key: 'unchanged', label: 'Unchanged', colour: '#6e7781' },
  { key: 'warnings', label: 'Warnings', colour: '#bf8700' },
  { key: 'errors', label: 'Errors', colour: '#cf222e' },
  { key: 'notApplied', label: 'Not applied', colour: '#57606a' },
];

function countsSection(counts: Counts, dryRun: boolean): string {
  const bars = BARS.filter((b) => b.key !== 'notApplied' || counts.notApplied > 0);
  const label = (b: (typeof BARS)[number]) => (dryRun && ['added', 'modified', 'removed'].includes(b.key) ? `${b.label} (would be)` : b.label);
  const tiles = [`<div><dt>Rows</dt><dd>${fmt(counts.rows)}</dd></div>`, ...bars.map((b) => `<div><dt>${esc(label(b))}</dt><dd>${fmt(counts[b.key])}</dd></div>`)];
  const max = Math.max(1, counts.rows);
  const rowHeight = 26;
  const width = 420;
  const labelWidth = 90;
  const barWidth = width - labelWidth - 70;
  const svgBars = bars.map((b, i) => {
    const y = i * rowHeight + 4;
    const w = counts[b.key] === 0 ? 0 : Math.max(2, Math.round((counts[b.key] / max) * barWidth));
    return `<text x="0" y="${y + 14}">${esc(b.label)}</text><rect class="track" x="${labelWidth}" y="${y}" width="${barWidth}" height="18" rx="3"/>` +
      `<rect x="${labelWidth}" y="${y}" width="${w}" height="18" rx="3" fill="${b.colour}"/><text x="${labelWidth + barWidth + 6}" y="${y + 14}">${fmt(counts[b.key])}</text>`;
  }).join('');
  const summary = bars.map((b) => `${fmt(counts[b.key])} ${label(b).toLowerCase()}`).join(', ');
  return `<section aria-labelledby="counts-h">
<h2 id="counts-h">Counts</h2>
<div class="counts">
<dl class="tiles">${tiles.join('')}</dl>
<figure class="chart">
<svg viewBox="0 0 ${width} ${bars.length * rowHeight + 4}" role="img" aria-labelledby="chart-t"><title id="chart-t">Rows by outcome, out of ${fmt(counts.rows)}: ${esc(summary)}</title>${svgBars}</svg>
</figure>
</div>
</section>`;
}

function problemsSection(review: Review, links: ReviewLinks): string {
  if (review.groups.length === 0) {
    return `<section aria-labelledby="problems-h"><h2 id="problems-h">Problems</h2><p>No row has an error or a warning.</p></section>`;
  }
  const columnIds = new Map(review.columns.map((c, i) => [c.column, String(i)]));
  const byCode = `<table><caption>By code</caption><thead><tr><th scope="col">Code</th><th scope="col">Status</th><th scope="col" class="num">Rows</th><th scope="col">Meaning</th></tr></thead><tbody>${
    review.groups.map((g) => `<tr><td><button type="button" class="link" data-filter-code="${esc(g.code)}" aria-label="Show the ${esc(g.code)} rows">${esc(g.code)}</button></td><td>${statusBadge(g.status)}</td><td class="num">${fmt(g.count)}</td><td>${esc(g.meaning)}</td></tr>`).join('')
  }</tbody></table>`;
  const byColumn = `<table><caption>By column</caption><thead><tr><th scope="col">Column</th><th scope="col" class="num">Rows</th><th scope="col">Codes</th></tr></thead><tbody>${
    review.columns.map((c, i) => `<tr><td><button type="button" class="link" data-filter-column="${i}" aria-label="Show the rows with a problem in ${esc(columnName(c.column))}">${esc(columnName(c.column))}</button></td><td class="num">${fmt(c.rows)}</td><td>${c.codes.map((k) => `<code>${esc(k.code)}</code> ${fmt(k.rows)}`).join(', ')}</td></tr>`).join('')
  }</tbody></table>`;
  const statuses = [...new Set(review.groups.map((g) => g.status))];
  const filters = `<form id="filters" class="filters" hidden role="search" aria-label="Filter the rows">
<label for="f-code">Code<select id="f-code"><option value="">All codes</option>${review.groups.map((g) => g.code).filter((c, i, all) => all.indexOf(c) === i).map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('')}</select></label>
<label for="f-column">Column<select id="f-column"><option value="">All columns</option>${review.columns.map((c, i) => `<option value="${i}">${esc(columnName(c.column))}</option>`).join('')}</select></label>
<label for="f-status">Status<select id="f-status"><option value="">All statuses</option>${statuses.map((s) => `<option value="${s}">${STATUS_LABEL[s]}</option>`).join('')}</select></label>
<label for="f-email">E-mail<input id="f-email" type="search" placeholder="part of an e-mail" autocomplete="off" spellcheck="false"></label>
<button type="reset">Clear</button>
</form>
<p id="shown" role="status" aria-live="polite"></p>`;
  const groups = review.groups.map((g, i) => groupSection(review, g, i, columnIds, links)).join('\n');
  return `<section aria-labelledby="problems-h">
<h2 id="problems-h">Problems</h2>
<p>A row with several problems shows in each of their groups. Each group shows its first ${fmt(review.rowsPerGroup)} rows; the CSV reports have every row.</p>
<div class="summaries">${byCode}${byColumn}</div>
<h2 id="rows-h">Rows</h2>
${filters}
${groups}
</section>`;
}

function groupSection(review: Review, group: ReviewGroup, index: number, columnIds: Map<string | null, string>, links: ReviewLinks): string {
  const id = `g${index}`;
  const file = group.status === 'error' ? ['errors.csv', links.errorsCsv] : ['results.csv', links.resultsCsv];
  const more = group.count > group.shown.length
    ? `<p class="more">Showing the first ${fmt(group.shown.length)} of ${fmt(group.count)} rows: all of them are in <a href="${esc(file[1]!)}">${file[0]}</a>.</p>`
    : '';
  const head = ['Line', 'E-mail', 'Action', 'Problem', ...review.header.map((h) => h || '(no name)')];
  const rows = group.shown.map((i) => rowHtml(review.rows[i]!, columnIds)).join('\n');
  return `<section class="group" id="${id}" data-code="${esc(group.code)}" data-status="${group.status}" aria-labelledby="${id}-h">
<h3 id="${id}-h"><code>${esc(group.code)}</code> ${statusBadge(group.status)} <span class="visible">${fmt(group.shown.length)}</span> shown of ${fmt(group.count)} ${plural(group.count, 'row')}</h3>
<p class="meaning">${esc(group.meaning)}</p>
${more}<div class="scroll" tabindex="0" role="region" aria-label="${esc(group.code)} rows">
<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
</div>
</section>`;
}

function rowHtml(row: ReviewRow, columnIds: Map<string | null, string>): string {
  const columns = (row.columns.length > 0 ? row.columns : [null]).map((c) => columnIds.get(c) ?? '').join(' ');
  const marked = new Set(row.marked);
  const cells = row.cells.map((cell, i) => {
    if (!marked.has(i)) return `<td>${esc(visible(cell))}</td>`;
    const shown = cell === '' ? '<span class="blank">(blank)</span>' : esc(visible(cell));
    return `<td class="bad">${shown}<span class="sr"> (problem in this cell)</span></td>`;
  });
  return `<tr data-line="${row.line}" data-status="${row.status}" data-email="${esc(row.email.toLowerCase())}" data-columns="${esc(columns)}">` +
    `<th scope="row" class="num">${row.line}</th><td>${row.email === '' ? '<span class="blank">(blank)</span>' : esc(visible(row.email))}</td><td>${esc(row.action)}</td>` +
    `<td class="message">${esc(row.message)}</td>${cells.join('')}</tr>`;
}

// --- Internal helpers ---

const STATUS_LABEL: Record<string, string> = { error: 'Error', warning: 'Warning', not_applied: 'Not applied' };

function statusBadge(status: string): string {
  return `<span class="status ${esc(status)}">${esc(STATUS_LABEL[status] ?? status)}</span>`;
}

function columnName(column: string | null): string {
  return column ?? '(the whole row)';
}

/** Control characters of a value as their visible pictures (a line break as ␊, an escape as ␛): shown, never acted on. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

/** Escapes text for HTML text and double- or single-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPE[c]!);
}

const ESCAPE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
