import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Compiles `src/` to `dist/` so the CLI tests run the same program a user runs. */
export default function setup(): void {
  // Unit tests alone don't need the build: BULKHUB_SKIP_BUILD=1 npx vitest run test/domain
  if (process.env.BULKHUB_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
