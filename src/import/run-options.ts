import type { RunOptions, RunRecord } from '../journal/runs.js';

/** One option a command gives otherwise than the run it would resume: the flag, the run's value, the command's. */
export interface OptionDifference {
  flag: string;
  run: string;
  asked: string;
}

/**
 * The options of `asked` that differ from the run's. Only the options `asked` holds are compared
 * (for --resume: what was typed; for a re-run: every option, defaults included). A run recorded
 * before its options were (older versions) is compared on mode and removals only.
 */
export function optionDifferences(run: RunRecord, asked: Partial<RunOptions>): OptionDifference[] {
  const recorded: Partial<RunOptions> = run.options ?? { mode: run.mode, allowRemovals: run.allowRemovals };
  const out: OptionDifference[] = [];
  const compare = <K extends keyof RunOptions>(key: K, flag: string, show: (value: RunOptions[K]) => string): void => {
    if (!(key in asked) || !(key in recorded)) return;
    const a = show(asked[key] as RunOptions[K]);
    const r = show(recorded[key] as RunOptions[K]);
    if (a !== r) out.push({ flag, run: r, asked: a });
  };
  compare('mode', '--mode', (v) => v);
  compare('allowRemovals', '--allow-removals', (v) => (v ? 'given' : 'not given'));
  compare('out', '--out', (v) => v ?? 'the default folder');
  const delimiterName = (v: RunOptions['delimiter'] | undefined): string => (v === '\t' ? 'tab' : v === ';' ? 'semicolon' : 'comma');
  compare('delimiter', '--delimiter', (v) => (v === null ? 'sniffed' : delimiterName(v)));
  compare('sheet', '--sheet', (v) => v ?? 'the first visible sheet');
  compare('reportDelimiter', '--report-delimiter', (v) => (v == null ? "the input's" : delimiterName(v)));
  compare('reportFormat', '--report-format', (v) => v ?? 'csv');
  compare('headerMap', '--header-map', (v) => (v === null ? 'none' : JSON.stringify(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))));
  return out;
}

/** "--mode: add-remove in the run, add-only now; …" */
export function describeDifferences(differences: readonly OptionDifference[]): string {
  return differences.map((d) => `${d.flag}: ${d.run} in the run, ${d.asked} now`).join('; ');
}
