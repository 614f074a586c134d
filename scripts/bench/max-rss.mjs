// Preloaded into every benchmarked process (node --import): writes the process's own peak
// resident memory (kB) when it exits, so the bench needs no external `time` tool.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
