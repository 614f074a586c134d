import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { Issue } from '../domain/codes.js';
import { outcomeOf } from '../domain/outcome.js';
import type { Action, Intent, RowStatus } from '../domain/user.js';
import type { Counts, ReportRow } from './types.js';

/** A freshly validated (and, when valid, planned) line, as ingest writes it. */
export interface IngestedRow {
  line: number;
  email: string;
  key?: string;
  intent?: Intent;
  issues: readonly Issue[];
  /** Set by planning for a valid line; `pending` when it has a change to apply. */
  plan?: { action: Action; pending: boolean; issues: readonly Issue[]; note?: string };
}

export type LineState = 'pending' | 'in_flight' | 'done';

/** A line waiting for the next stage: what that stage needs to know of it. */
export interface WorkRow {
  line: number;
  key: string;
  intent: Intent;
  issues: Issue[];
  plannedAction: Action | null;
  state: 'pending' | 'in_flight';
}

export interface FinalRow {
  line: number;
  action: Action;
  issues: readonly Issue[];
  note?: string;
}

/** What the cross-row checks compare: e-mail key, phone number, location and extension. */
export interface CrossKeys {
  key: string | null;
  phone: string | null;
  extKey: string | null;
}

/** The values of a line the cross-row checks compare; only a valid line has phone and extension keys. */
export function crossKeys(row: IngestedRow): CrossKeys {
  const attrs = row.intent?.kind === 'set' ? row.intent.attributes : undefined;
  return {
    key: row.key ?? null,
    phone: attrs?.phoneNumber ?? null,
    extKey: attrs?.extension !== undefined && attrs.location !== undefined ? `${attrs.location.toLowerCase()}|${attrs.extension}` : null,
  };
}

/** Per line of a batch, what the file said: [line, e-mail as written, key, phone, extension key]. */
export type LineEntry = [line: number, email: string, key: string | null, phone: string | null, extKey: string | null];

/** Per line of a batch, what happened to it so far. */
type OutcomeEntry = [line: number, state: LineState, plannedAction: Action | null, action: Action | null, issues: Issue[], note: string | null,
  status: RowStatus, code: string, message: string];

/** Counts of one batch, kept beside its outcomes so the run's counts never parse a line. */
export interface Tally extends Counts {
  pending: number;
  inFlight: number;
  /** Lines planned as removals and not refused (the removal guard's count). */
  removals: number;
}

const emptyTally = (): Tally =>
  ({ rows: 0, pending: 0, inFlight: 0, added: 0, modified: 0, removed: 0, unchanged: 0, warnings: 0, errors: 0, notApplied: 0, removals: 0 });

interface OutcomeBatch {
  firstLine: number;
  lastLine: number;
  entries: OutcomeEntry[];
  changed: boolean;
}

/**
 * The lines of one run in the journal: one SQLite row per batch of lines (250), not one
 * per line. `journal_batches` keeps what the file said and never changes; `journal_outcomes`
 * keeps what happened, rewritten a batch at a time. A row per line cost more than the reading
 * and validating of the line itself (BENCHMARKS.md); a batch row costs a fraction of it.
 */
export class RunRows {
  private readonly insertBatch: Statement;
  private readonly insertOutcomes: Statement;
  private readonly updateOutcomes: Statement;
  private readonly outcomesAt: Statement;
  private readonly outcomesFrom: Statement;
  private readonly nextPending: Statement;
  private readonly batchAt: Statement;
  /** The last batch a window read, parsed: a batch serves several windows. */
  private workBatch: { firstLine: number; lines: LineEntry[]; intents: Array<Intent | null> } | undefined;
  /** Where the last window ended: the next one starts its search at that batch, not at the run's first. */
  private cursor = { after: 0, firstLine: 0 };

  constructor(private readonly db: Db, readonly runId: string) {
    this.insertBatch = db.prepare('INSERT INTO journal_batches (run_id, first_line, last_line, lines, cells, intents) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertOutcomes = db.prepare('INSERT INTO journal_outcomes (run_id, first_line, last_line, pending, tally, outcomes) VALUES (?, ?, ?, ?, ?, ?)');
    this.updateOutcomes = db.prepare('UPDATE journal_outcomes SET pending = ?, tally = ?, outcomes = ? WHERE run_id = ? AND first_line = ?');
    this.outcomesAt = db.prepare(
      'SELECT first_line, last_line, outcomes FROM journal_outcomes WHERE run_id = ? AND first_line <= ? ORDER BY first_line DESC LIMIT 1',
    );
    this.outcomesFrom = db.prepare(
      'SELECT first_line, last_line, outcomes FROM journal_outcomes WHERE run_id = ? AND first_line >= ? ORDER BY first_line LIMIT 1',
    );
    this.nextPending = db.prepare(
      'SELECT first_line, last_line, outcomes FROM journal_outcomes WHERE run_id = ? AND first_line >= ? AND last_line > ? AND pending > 0 ORDER BY first_line LIMIT 1',
    );
    this.batchAt = db.prepare('SELECT lines, intents FROM journal_batches WHERE run_id = ? AND first_line = ?');
  }

  /**
   * Writes a batch of lines (in line order) in one transaction; `cells` holds their cells as
   * read, a JSON array with an entry per line. A line with a change to apply is
   * `pending`; any other (invalid, unchanged, refused by planning) is final at once. Every line
   * gets the outcome its issues give now. The intent is kept only for a pending line of a run
   * that will apply it (`keepIntent`): a dry run never reads it back. Returns the lines'
   * cross-row keys, as written, for the duplicate checks.
   */
  readonly add = (rows: readonly IngestedRow[], cells: string, keepIntent = true): CrossKeys[] => {
    if (rows.length === 0) return [];
    // Built as text, a piece per line: cheaper than building arrays to encode.
    let lines = '[';
    let intents = '[';
    const entries: OutcomeEntry[] = [];
    const written: CrossKeys[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const keys = crossKeys(row);
      const { key, phone, extKey } = keys;
      written.push(keys);
      const plan = row.plan;
      const issues = plan?.issues ?? row.issues;
      const pending = plan?.pending === true;
      const note = plan?.note ?? null;
      const outcome = outcomeOf(issues, note ?? undefined);
      const comma = i === 0 ? '' : ',';
      lines += `${comma}[${row.line},${JSON.stringify(row.email)},${json(key)},${json(phone)},${json(extKey)}]`;
      intents += comma + (pending && keepIntent ? JSON.stringify(row.intent) : 'null');
      entries.push([row.line, pending ? 'pending' : 'done', plan?.action ?? null, pending ? null : (plan?.action ?? 'none'), [...issues], note,
        outcome.status, outcome.code, outcome.message]);
    }
    const firstLine = rows[0]!.line;
    const lastLine = rows[rows.length - 1]!.line;
    const tally = tallyOf(entries);
    this.db.transaction(() => {
      this.insertBatch.run(this.runId, firstLine, lastLine, `${lines}]`, cells, `${intents}]`);
      this.insertOutcomes.run(this.runId, firstLine, lastLine, tally.pending + tally.inFlight, JSON.stringify(tally), JSON.stringify(entries));
    })();
    return written;
  };

  /** Up to `size` lines in `states`, after line `after`, in line order. */
  nextWindow(states: readonly LineState[], after: number, size: number): WorkRow[] {
    const window: WorkRow[] = [];
    let low = after >= this.cursor.after ? this.cursor.firstLine : 0;
    for (let from = after; window.length < size; ) {
      const row = this.nextPending.get(this.runId, low, from) as { first_line: number; last_line: number; outcomes: string } | undefined;
      if (!row) break;
      low = row.first_line;
      const work = this.workLines(row.first_line);
      const entries = JSON.parse(row.outcomes) as OutcomeEntry[];
      for (let i = 0; i < entries.length && window.length < size; i++) {
        const [line, state, plannedAction, , issues] = entries[i]!;
        if (line <= from || !states.includes(state) || state === 'done') continue;
        const [, , key] = work.lines[i]!;
        const intent = work.intents[i];
        if (key === null || !intent) throw new Error(`journal: line ${line} of run ${this.runId} is ${state} but has no intent`);
        window.push({ line, key, intent, issues, plannedAction, state });
      }
      from = window.length < size ? row.last_line : from;
    }
    if (window.length > 0) this.cursor = { after: window[window.length - 1]!.line, firstLine: low };
    return window;
  }

  private workLines(firstLine: number): { lines: LineEntry[]; intents: Array<Intent | null> } {
    if (this.workBatch?.firstLine !== firstLine) {
      const row = this.batchAt.get(this.runId, firstLine) as { lines: string; intents: string };
      this.workBatch = { firstLine, lines: JSON.parse(row.lines) as LineEntry[], intents: JSON.parse(row.intents) as Array<Intent | null> };
    }
    return this.workBatch;
  }

  /** Whether `db` is the connection this journal writes to. */
  usesConnection(db: unknown): boolean {
    return db === this.db;
  }

  /**
   * Runs `work` in one transaction of the journal's connection: what it writes there (a
   * target's changes in the same database, and their done-marks) commits together or not at
   * all. `work` may await, but nothing else may use the connection meanwhile.
   */
  async atomically<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Committed before the changes are sent: from here on a line "may have been applied".
   * A window is every pending line in a range of lines.
   */
  readonly markInFlight = (afterLine: number, upToLine: number): void => {
    this.db.transaction(() => {
      for (let batch = this.outcomesFor(afterLine + 1); batch && batch.firstLine <= upToLine; batch = this.outcomesFor(batch.lastLine + 1)) {
        for (const entry of batch.entries) {
          if (entry[0] > afterLine && entry[0] <= upToLine && entry[1] === 'pending') {
            entry[1] = 'in_flight';
            batch.changed = true;
          }
        }
        this.save(batch);
      }
    })();
  };

  /** Final action and outcome of lines. */
  readonly markDone = (rows: readonly FinalRow[]): void => {
    this.update(rows.map((r) => r.line), (entry, i) => {
      const r = rows[i]!;
      const note = r.note ?? null;
      const outcome = outcomeOf(r.issues, note ?? undefined);
      entry[1] = 'done';
      entry[2] ??= r.action;
      entry[3] = r.action;
      entry[4] = [...r.issues];
      entry[5] = note;
      entry[6] = outcome.status;
      entry[7] = outcome.code;
      entry[8] = outcome.message;
    });
  };

  /** Adds an error to lines and makes them final: nothing of them is applied. */
  readonly refuseLines = (lines: readonly number[], issue: Issue): void => {
    this.update(lines, (entry) => {
      const issues = [...entry[4], issue];
      const outcome = outcomeOf(issues, entry[5] ?? undefined);
      entry[1] = 'done';
      entry[3] = 'none';
      entry[4] = issues;
      entry[6] = outcome.status;
      entry[7] = outcome.code;
      entry[8] = outcome.message;
    });
  };

  /**
   * Makes every pending line final without applying it: the run was stopped as a whole before
   * any change (the removal guard). Each keeps its planned action, with status `not_applied`,
   * `code` and a message that says so; what planning said of it follows.
   */
  readonly markNotApplied = (code: string, reason: string): void => {
    const batches = this.db.prepare('SELECT first_line FROM journal_outcomes WHERE run_id = ? AND pending > 0 ORDER BY first_line').pluck().all(this.runId) as number[];
    this.db.transaction(() => {
      for (const firstLine of batches) {
        const batch = this.outcomesFor(firstLine)!;
        for (const entry of batch.entries) {
          if (entry[1] !== 'pending') continue;
          const planned = entry[2] ?? 'none';
          entry[1] = 'done';
          entry[3] = planned;
          entry[6] = 'not_applied';
          entry[7] = code;
          entry[8] = `Not applied: ${reason} Planned: ${planned}.${entry[8] ? ` ${entry[8]}` : ''}`;
          batch.changed = true;
        }
        this.save(batch);
      }
    })();
  };

  /** Changes the outcome entries of `lines` (any order) with `change(entry, index in lines)`, in one transaction. */
  private update(lines: readonly number[], change: (entry: OutcomeEntry, index: number) => void): void {
    const order = lines.map((_, i) => i).sort((a, b) => lines[a]! - lines[b]!);
    this.db.transaction(() => {
      let batch: OutcomeBatch | undefined;
      for (const i of order) {
        const line = lines[i]!;
        if (!batch || line > batch.lastLine) {
          if (batch) this.save(batch);
          batch = this.outcomesFor(line);
        }
        const entry = batch && findEntry(batch.entries, line);
        if (!batch || !entry) throw new Error(`journal: run ${this.runId} has no line ${line}`);
        change(entry, i);
        batch.changed = true;
      }
      if (batch) this.save(batch);
    })();
  }

  /** The batch holding `line` or, when none does, the first one after it. */
  private outcomesFor(line: number): OutcomeBatch | undefined {
    let row = this.outcomesAt.get(this.runId, line) as { first_line: number; last_line: number; outcomes: string } | undefined;
    if (!row || row.last_line < line) row = this.outcomesFrom.get(this.runId, line) as typeof row;
    return row && { firstLine: row.first_line, lastLine: row.last_line, entries: JSON.parse(row.outcomes) as OutcomeEntry[], changed: false };
  }

  private save(batch: OutcomeBatch): void {
    if (!batch.changed) return;
    const tally = tallyOf(batch.entries);
    this.updateOutcomes.run(tally.pending + tally.inFlight, JSON.stringify(tally), JSON.stringify(batch.entries), this.runId, batch.firstLine);
  }

  /** The run's counts, summed from the batches' tallies. */
  tally(): Tally {
    const total = emptyTally();
    const tallies = this.db.prepare('SELECT tally FROM journal_outcomes WHERE run_id = ?').pluck().iterate(this.runId) as IterableIterator<string>;
    for (const text of tallies) {
      const batch = JSON.parse(text) as Tally;
      for (const name of Object.keys(total) as Array<keyof Tally>) total[name] += batch[name];
    }
    return total;
  }

  /** How many lines are planned as removals and not refused (the removal guard's count). */
  countPlannedRemovals(): number {
    return this.tally().removals;
  }

  /** Lines not yet final: pending, or in flight when a run was stopped mid-window. */
  countUnfinished(): number {
    const tally = this.tally();
    return tally.pending + tally.inFlight;
  }

  /** Drops the lines of an ingest that was cut short, so it can start again cleanly. */
  clear(): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM journal_batches WHERE run_id = ?').run(this.runId);
      this.db.prepare('DELETE FROM journal_outcomes WHERE run_id = ?').run(this.runId);
    })();
  }

  /** Every line's e-mail and cross-row keys, in line order. */
  *lineKeys(): Generator<LineEntry> {
    const batches = this.db.prepare('SELECT lines FROM journal_batches WHERE run_id = ? ORDER BY first_line').pluck().iterate(this.runId) as IterableIterator<string>;
    for (const lines of batches) yield* JSON.parse(lines) as LineEntry[];
  }

  /**
   * Every line in input order, as the reports print it. A line still `pending` (a dry run, or
   * a refused run) shows its planned action and the outcome its issues give.
   */
  *reportRows(): Generator<ReportRow> {
    yield* this.rowsOf(WITH_ERRORS, false, (status) => status === 'error');
  }

  /**
   * The error rows in input order, with their cells; with `code`, only those with an error of
   * that code. Batches without an error are skipped unread.
   */
  *errorRows(code?: string): Generator<ReportRow> {
    for (const row of this.rowsOf(WITH_ERRORS, true, (status) => status === 'error')) {
      if (row.status === 'error' && (code === undefined || row.issues.some((i) => i.code === code && i.severity === 'error'))) yield row;
    }
  }

  /**
   * The rows with a problem (error, warning, not applied), in input order; batches without one
   * are skipped unread. A row has its cells when `withCells` says so (asked as the row comes):
   * a reader that needs the cells of a few rows does not pay for parsing every batch's.
   */
  *problemRows(withCells: (row: Pick<ReportRow, 'status' | 'code' | 'issues'>) => boolean = () => true): Generator<ReportRow> {
    for (const row of this.rowsOf(WITH_PROBLEMS, true, (status, code, issues) => status !== 'ok' && withCells({ status, code, issues }))) {
      if (row.status !== 'ok') yield row;
    }
  }

  /** Rows in input order; the cells of the rows `withCells` picks, read only from batches that meet `holding` (and with `only`, no other batch at all). */
  private *rowsOf(holding: string, only: boolean, withCells: (status: RowStatus, code: string, issues: readonly Issue[]) => boolean): Generator<ReportRow> {
    const batches = this.db
      .prepare(
        `SELECT b.lines, CASE WHEN ${holding} THEN b.cells END AS cells, o.outcomes
         FROM journal_outcomes o JOIN journal_batches b ON b.run_id = o.run_id AND b.first_line = o.first_line
         WHERE o.run_id = ? AND ${only ? holding : '1'} ORDER BY o.first_line`,
      )
      .iterate(this.runId) as IterableIterator<{ lines: string; cells: string | null; outcomes: string }>;
    for (const batch of batches) {
      const lines = JSON.parse(batch.lines) as LineEntry[];
      // Only the rows asked for need their cells: a batch's are parsed when its first such row comes.
      let cells: string[][] | undefined;
      const cellsOf = (i: number): string[] => {
        if (batch.cells === null) return [];
        cells ??= JSON.parse(batch.cells) as string[][];
        return cells[i]!;
      };
      const outcomes = JSON.parse(batch.outcomes) as OutcomeEntry[];
      for (let i = 0; i < outcomes.length; i++) {
        const [line, state, plannedAction, action, issues, , status, code, message] = outcomes[i]!;
        yield {
          line,
          email: lines[i]![1],
          cells: withCells(status, code, issues) ? cellsOf(i) : [],
          action: (state === 'done' ? action : plannedAction) ?? 'none',
          status,
          code,
          message,
          issues,
        };
      }
    }
  }
}

/** SQL conditions on a batch's tally: which batches hold the rows a reader wants. */
const WITH_ERRORS = "json_extract(o.tally, '$.errors') > 0";
const WITH_PROBLEMS =
  "(json_extract(o.tally, '$.errors') + json_extract(o.tally, '$.warnings') + coalesce(json_extract(o.tally, '$.notApplied'), 0)) > 0";

const json = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/** Entries are in line order: a binary search finds a line among a batch's. */
function findEntry(entries: readonly OutcomeEntry[], line: number): OutcomeEntry | undefined {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = entries[mid]![0];
    if (at === line) return entries[mid];
    if (at < line) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** A batch's counts. A line not yet final counts by its planned action and the status its issues give. */
function tallyOf(entries: readonly OutcomeEntry[]): Tally {
  const tally = emptyTally();
  for (const [, state, plannedAction, action, , , status] of entries) {
    tally.rows++;
    if (state === 'pending') tally.pending++;
    else if (state === 'in_flight') tally.inFlight++;
    if (plannedAction === 'remove' && status !== 'error') tally.removals++;
    if (status === 'error') {
      tally.errors++;
      continue;
    }
    if (status === 'not_applied') {
      tally.notApplied++;
      continue;
    }
    if (status === 'warning') tally.warnings++;
    const counted = action ?? plannedAction;
    if (counted === 'add') tally.added++;
    else if (counted === 'modify') tally.modified++;
    else if (counted === 'remove') tally.removed++;
    else if (counted === 'unchanged') tally.unchanged++;
  }
  return tally;
}
