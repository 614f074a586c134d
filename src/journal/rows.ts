import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { Issue } from '../domain/codes.js';
import { outcomeOf } from '../domain/outcome.js';
import type { Action, Intent } from '../domain/user.js';
import type { ReportRow } from './types.js';

/** A freshly validated (and, when valid, planned) line, as ingest writes it. */
export interface IngestedRow {
  line: number;
  email: string;
  key?: string;
  /** The cells as read, as JSON (the form the journal stores). */
  cells: string;
  intent?: Intent;
  /** The intent as JSON, when the reader already wrote it so. */
  intentJson?: string;
  issues: readonly Issue[];
  /** Set by planning for a valid line; `pending` when it has a change to apply. */
  plan?: { action: Action; pending: boolean; issues: readonly Issue[]; note?: string };
}

/** A line waiting for the next stage: what that stage needs to know of it. */
export interface WorkRow {
  line: number;
  key: string;
  intent: Intent;
  issues: Issue[];
  plannedAction: Action | null;
  state: 'pending' | 'in_flight';
}

type ReportCells = [line: number, email: string, cells: string | null, issues: string, note: string | null, state: string,
  plannedAction: Action | null, action: Action | null, status: ReportRow['status'] | null, code: string | null, message: string | null];

export interface FinalRow {
  line: number;
  action: Action;
  issues: readonly Issue[];
  note?: string;
}

/** The lines of one run in the journal. Statements are prepared once per run. */
export class RunRows {
  private readonly insert: Statement;
  private readonly window: Statement;
  private readonly inFlight: Statement;
  private readonly finish: Statement;

  constructor(private readonly db: Db, readonly runId: string) {
    this.insert = db.prepare(
      `INSERT INTO journal_rows (run_id, line, email, key, cells, intent, issues, note, phone, ext_key, state, planned_action, action, status, code, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.window = db.prepare(
      `SELECT line, key, intent, issues, planned_action, state FROM journal_rows
       WHERE run_id = ? AND line > ? AND state IN (?, ?) ORDER BY line LIMIT ?`,
    );
    this.inFlight = db.prepare(`UPDATE journal_rows SET state = 'in_flight' WHERE run_id = ? AND line > ? AND line <= ? AND state = 'pending'`);
    this.finish = db.prepare(
      `UPDATE journal_rows SET state = 'done', planned_action = COALESCE(planned_action, ?), action = ?, issues = ?, note = ?,
         status = ?, code = ?, message = ? WHERE run_id = ? AND line = ?`,
    );
  }

  /**
   * Writes lines in one transaction. A line with a change to apply is `pending`; any other
   * (invalid, unchanged, refused by planning) is final at once. Every line gets the outcome its
   * issues give now, so the reports of a dry run need no second look at the issues. The intent
   * is kept only for a pending line of a run that will apply it (`keepIntent`): a dry run never
   * reads it back, and a final line has nothing left to do.
   */
  readonly add = (rows: readonly IngestedRow[], keepIntent = true): void => {
    this.db.transaction(() => {
      for (const row of rows) {
        const attrs = row.intent?.kind === 'set' ? row.intent.attributes : undefined;
        const extKey = attrs?.extension !== undefined && attrs.location !== undefined ? `${attrs.location.toLowerCase()}|${attrs.extension}` : null;
        const plan = row.plan;
        const issues = plan?.issues ?? row.issues;
        const pending = plan?.pending === true;
        const outcome = outcomeOf(issues, plan?.note);
        this.insert.run(
          this.runId, row.line, row.email, row.key ?? null, row.cells,
          pending && keepIntent ? (row.intentJson ?? JSON.stringify(row.intent)) : null, issues.length === 0 ? '[]' : JSON.stringify(issues), plan?.note ?? null,
          attrs?.phoneNumber ?? null, extKey, pending ? 'pending' : 'done', plan?.action ?? null, pending ? null : (plan?.action ?? 'none'),
          outcome.status, outcome.code, outcome.message,
        );
      }
    })();
  };

  /** Up to `size` lines in `states`, after line `after`, in line order. */
  nextWindow(states: readonly [string, string], after: number, size: number): WorkRow[] {
    return (this.window.all(this.runId, after, states[0], states[1], size) as Record<string, unknown>[]).map((r) => ({
      line: r.line as number,
      key: r.key as string,
      intent: JSON.parse(r.intent as string) as Intent,
      issues: JSON.parse(r.issues as string) as Issue[],
      plannedAction: (r.planned_action as Action | null) ?? null,
      state: r.state as WorkRow['state'],
    }));
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
   * A window is every pending line in a range of lines, so one statement marks it.
   */
  readonly markInFlight = (afterLine: number, upToLine: number): void => {
    this.inFlight.run(this.runId, afterLine, upToLine);
  };

  /** Final action and outcome of lines. */
  readonly markDone = (rows: readonly FinalRow[]): void => {
    this.db.transaction(() => {
      for (const r of rows) {
        const outcome = outcomeOf(r.issues, r.note);
        this.finish.run(r.action, r.action, JSON.stringify(r.issues), r.note ?? null, outcome.status, outcome.code, outcome.message, this.runId, r.line);
      }
    })();
  };

  /**
   * How many lines are planned as removals and not refused (the removal guard's count). A pending
   * line written by an older version has no status yet: it counts.
   */
  countPlannedRemovals(): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ? AND planned_action = 'remove' AND (status IS NULL OR status != 'error')`)
      .get(this.runId) as { n: number };
    return row.n;
  }

  countRows(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ?').get(this.runId) as { n: number }).n;
  }

  countInStates(states: readonly string[]): number {
    const marks = states.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ? AND state IN (${marks})`).get(this.runId, ...states) as { n: number }).n;
  }

  /** Drops the lines of an ingest that was cut short, so it can start again cleanly. */
  clear(): void {
    this.db.prepare('DELETE FROM journal_rows WHERE run_id = ?').run(this.runId);
  }

  /**
   * Every line in input order, as the reports print it. A line still `pending` (a dry run, or
   * a refused run) shows its planned action and the outcome its issues give.
   */
  *reportRows(): Generator<ReportRow> {
    // Raw rows (arrays, not objects): this runs once per line of the file.
    const rows = this.db
      .prepare(
        `SELECT line, email, CASE WHEN status = 'error' THEN cells END, issues, note, state, planned_action, action, status, code, message
         FROM journal_rows WHERE run_id = ? ORDER BY line`,
      )
      .raw(true)
      .iterate(this.runId) as IterableIterator<ReportCells>;
    for (const [line, email, cells, issues, note, state, plannedAction, action, status, code, message] of rows) {
      // Every line written by this version has its outcome; a line of an older journal may not.
      const outcome = status !== null ? { status, code: code ?? '', message: message ?? '' } : outcomeOf(JSON.parse(issues) as Issue[], note ?? '');
      yield {
        line,
        email,
        // Only error rows need their cells (errors.csv); skipping the rest saves a parse per line.
        cells: cells === null ? [] : (JSON.parse(cells) as string[]),
        action: (state === 'done' ? action : plannedAction) ?? 'none',
        status: outcome.status,
        code: outcome.code,
        message: outcome.message,
      };
    }
  }

}
