import type { Logger } from 'pino';
import type { Progress } from '../import/progress.js';

/**
 * Shows how far a run is. On a terminal: one redrawn line with a bar, rows per second and the
 * time left. Otherwise: a log line every `intervalMs` (5 s), by the clock and not only when rows
 * advance, so a nightly job's log shows it is alive even while a slow target answers one window.
 * `finish()` ends a stage and is safe to call again (a caller ends the display when a run stops).
 */
export function progressDisplay(logger: Logger, options: { quiet?: boolean; intervalMs?: number; lines?: boolean } = {}): Progress {
  if (options.quiet) return { start() {}, update() {}, finish() {} };
  // `lines`: log lines even on a terminal (several imports side by side cannot share one bar).
  const tty = Boolean(process.stderr.isTTY) && !options.lines;
  const interval = options.intervalMs ?? Number(process.env.BULKHUB_PROGRESS_INTERVAL_MS ?? (tty ? 100 : 5000));
  let phase = '';
  let total: number | undefined;
  let unit: 'rows' | 'bytes' = 'rows';
  let started = 0;
  let shownAt = 0;
  let rows = 0;
  let done = 0;
  let active = false;
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  const render = (final = false) => {
    const now = Date.now();
    if (!final && now - shownAt < interval) return;
    shownAt = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const share = total ? Math.min(done / total, 1) : undefined;
    const rate = Math.round(rows / seconds);
    const eta = share && share > 0 ? Math.round(seconds / share - seconds) : undefined;
    if (tty) {
      const width = 24;
      const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${Math.round(share * 100)}% `;
      const tail = eta === undefined || final ? '' : `, ${formatDuration(eta)} left`;
      process.stderr.write(`\r${phase.padEnd(10)} ${bar}${rows.toLocaleString('en')} rows, ${rate.toLocaleString('en')} rows/s${tail}\x1b[K${final ? '\n' : ''}`);
    } else if (!final) {
      logger.info({ phase, done, total, unit, rows, rowsPerSecond: rate, etaSeconds: eta }, `${phase}: ${rows} rows, ${rate} rows/s`);
    }
  };

  return {
    start(name, size, kind) {
      stopTimer();
      phase = name;
      total = size;
      unit = kind;
      started = Date.now();
      shownAt = started;
      rows = 0;
      done = 0;
      active = true;
      // Log lines come by the clock too; the timer never keeps the process alive.
      if (!tty) {
        timer = setInterval(() => render(), Math.max(interval, 100));
        timer.unref();
      }
    },
    update(at, rowCount) {
      done = at;
      rows = rowCount ?? (unit === 'rows' ? at : rows);
      render();
    },
    finish() {
      if (!active) return;
      active = false;
      stopTimer();
      if (tty) {
        done = total ?? rows;
        render(true);
      }
    },
  };
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
