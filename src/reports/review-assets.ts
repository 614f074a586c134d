/**
 * The review page's style and script, inlined into every page (it opens from disk, with no
 * network). The page's Content-Security-Policy allows exactly these two texts, by hash.
 */
export const REVIEW_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --error: #b3261e; --warning: #8a5a00; --notapplied: #4a5568; --ok: #1a7f37; --mark: #ffe08a; --focus: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d;
    --error: #ff8a80; --warning: #f2cc60; --notapplied: #c0c8d2; --ok: #56d364; --mark: #6b4f00; --focus: #7aa7ff; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; } h3 { font-size: 1.05rem; margin: 0; }
.facts { color: var(--muted); margin: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; }
.facts dt { display: inline; font-weight: 600; } .facts dd { display: inline; margin: 0 0 0 .35rem; }
.verdict { border: 2px solid var(--line); border-left-width: .5rem; border-radius: .4rem; padding: .75rem 1rem; margin: 1rem 0; background: var(--panel); }
.verdict.bad { border-color: var(--error); } .verdict.warn { border-color: var(--warning); } .verdict.good { border-color: var(--ok); }
.verdict p { margin: .25rem 0; } .verdict strong { font-size: 1.1rem; }
.notices { margin: .5rem 0; padding-left: 1.25rem; }
.counts { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .5rem; margin: 0; flex: 1 1 24rem; }
.tiles div { background: var(--panel); border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .75rem; }
.tiles dt { color: var(--muted); font-size: .85rem; } .tiles dd { margin: 0; font-size: 1.4rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.chart { flex: 1 1 22rem; max-width: 30rem; } .chart svg { width: 100%; height: auto; } .chart text { fill: var(--fg); font: 12px system-ui, sans-serif; }
.chart .track { fill: var(--panel); stroke: var(--line); }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.summaries { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
button.link { background: none; border: 0; padding: 0; color: inherit; font: inherit; text-decoration: underline; cursor: pointer; font-family: ui-monospace, monospace; }
code, .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: flex-end; background: var(--panel); border: 1px solid var(--line); border-radius: .4rem; padding: .75rem 1rem; position: sticky; top: 0; z-index: 1; }
.filters label { display: flex; flex-direction: column; font-size: .85rem; font-weight: 600; gap: .15rem; }
.filters select, .filters input { font: inherit; padding: .25rem .4rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--bg); color: var(--fg); min-width: 12rem; }
.filters button { font: inherit; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: .3rem; background: var(--bg); color: var(--fg); cursor: pointer; }
#shown { margin: .5rem 0; color: var(--muted); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.group { margin: 1.25rem 0; border-top: 1px solid var(--line); padding-top: .75rem; }
.group .meaning { margin: .25rem 0; } .group .more { color: var(--muted); margin: .25rem 0 .5rem; }
.status { display: inline-block; border-radius: 1rem; padding: 0 .5rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.status.error { color: var(--error); } .status.warning { color: var(--warning); } .status.not_applied { color: var(--notapplied); }
.scroll { overflow-x: auto; max-width: 100%; }
td.bad { background: var(--mark); font-weight: 600; } td.bad::before { content: "\\26A0\\FE0E "; }
td .blank { color: var(--muted); font-style: italic; font-weight: 400; }
td.message { min-width: 18rem; max-width: 36rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print { .filters { display: none; } body { max-width: none; } }
`;

/**
 * Filters by code, column and status and a search by e-mail: rows and groups that do not
 * match are hidden, the counts of what is shown are updated and announced. Works on the
 * rendered page only (no data is rebuilt from script), so without script every row shows.
 */
export const REVIEW_JS = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var code = document.getElementById('f-code'), column = document.getElementById('f-column'),
    status = document.getElementById('f-status'), search = document.getElementById('f-email'),
    shown = document.getElementById('shown');
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.group'));
  function apply() {
    var c = code.value, col = column.value, st = status.value, q = search.value.trim().toLowerCase();
    var rows = 0, seen = 0;
    groups.forEach(function (group) {
      var visible = 0;
      var inGroup = (!c || group.getAttribute('data-code') === c) && (!st || group.getAttribute('data-status') === st);
      group.querySelectorAll('tbody tr').forEach(function (tr) {
        var cols = ' ' + tr.getAttribute('data-columns') + ' ';
        var ok = inGroup && (!col || cols.indexOf(' ' + col + ' ') >= 0) && (!q || tr.getAttribute('data-email').indexOf(q) >= 0);
        tr.hidden = !ok;
        if (ok) visible++;
      });
      group.hidden = visible === 0;
      var count = group.querySelector('.visible');
      if (count) count.textContent = String(visible);
      rows += visible;
      if (visible > 0) seen++;
    });
    shown.textContent = rows === 0 ? 'No row matches these filters.' : 'Showing ' + rows + (rows === 1 ? ' row' : ' rows') + ' in ' + seen + (seen === 1 ? ' group.' : ' groups.');
  }
  [code, column, status].forEach(function (el) { el.addEventListener('change', apply); });
  search.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  document.querySelectorAll('[data-filter-code], [data-filter-column]').forEach(function (button) {
    button.addEventListener('click', function () {
      if (button.hasAttribute('data-filter-code')) { code.value = button.getAttribute('data-filter-code'); column.value = ''; }
      else { column.value = button.getAttribute('data-filter-column'); code.value = ''; }
      apply();
      form.scrollIntoView();
    });
  });
  apply();
})();
`;
