import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_BASE_URL } from '../backends/webex/http.js';
import { RunRefused } from '../domain/codes.js';
import type { GlobalArgs } from './context.js';
import { EXIT } from './exit-codes.js';

/** `--backend`: which target a command works on. Shared by every command that takes it. */

export type BackendName = 'sqlite' | 'webex';

export function backendOption<T>(y: Argv<T>) {
  return y
    .option('backend', {
      choices: ['sqlite', 'webex'] as const,
      default: 'sqlite' as const,
      describe: 'sqlite: the embedded directory; webex: Webex itself (token in WEBEX_ACCESS_TOKEN, base URL in WEBEX_API_URL)',
    })
    .option('sub-partner', {
      type: 'string',
      describe: "With --backend webex: act for this sub-partner's organisation (the Wholesale API's onBehalfOfSubPartnerOrgId)",
    })
    .middleware((argv) => {
      const problem = argv.subPartner !== undefined && argv.backend !== 'webex'
        ? '--sub-partner belongs to --backend webex (the Wholesale API acts for a sub-partner).'
        : argv.subPartner !== undefined && String(argv.subPartner).trim() === '' ? '--sub-partner needs the organisation id of the sub-partner.' : undefined;
      if (problem === undefined) return;
      process.stderr.write(`bulkhub: BAD_ARGUMENTS: ${problem}\nRun with --help for usage.\n`);
      process.exit(EXIT.NOT_APPLIED);
    }, true);
}

/**
 * Where and how to reach Webex. The token comes from the environment only (never argv, which
 * `ps` and shell history show) and goes nowhere but the Authorization header.
 */
export function webexConnection(argv: { subPartner?: string } = {}): { baseUrl: string; token: string; subPartnerOrgId?: string } {
  const token = process.env.WEBEX_ACCESS_TOKEN?.trim();
  if (!token) throw new RunRefused('BAD_ARGUMENTS', '--backend webex needs a Webex access token in the environment variable WEBEX_ACCESS_TOKEN.');
  const baseUrl = process.env.WEBEX_API_URL?.trim() || DEFAULT_BASE_URL;
  if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) throw new RunRefused('BAD_ARGUMENTS', `WEBEX_API_URL must be an http(s) URL such as ${DEFAULT_BASE_URL}.`);
  const subPartnerOrgId = argv.subPartner?.trim();
  return { baseUrl, token, ...(subPartnerOrgId && { subPartnerOrgId }) };
}

/**
 * How often a Webex job or a new customer is polled: every 5 s, or `BULKHUB_WEBEX_POLL_MS`
 * (the tests make it short).
 */
export function webexPollMs(fallback = 5_000): number {
  const fromEnv = Number(process.env.BULKHUB_WEBEX_POLL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/**
 * A command family Webex has no public API for (a Partner Hub or Control Hub wizard). It takes
 * `--backend` like the others; `--backend sqlite` (the default) runs it unchanged, and
 * `--backend webex` stops before anything else with NO_PUBLIC_API and exit 2, instead of
 * pretending. Applied once, in main.ts, to the whole family.
 */
export function withoutPublicApi<T extends GlobalArgs>(command: CommandModule<GlobalArgs, T>, what: string): CommandModule<GlobalArgs, T> {
  const build = command.builder;
  return {
    ...command,
    builder: (y: Argv<GlobalArgs>) => {
      const withOption = backendOption(y).middleware((argv) => {
        if (argv.backend !== 'webex') return;
        process.stderr.write(
          `bulkhub: NO_PUBLIC_API: Webex has no public API for ${what}; it is done in the Partner Hub or Control Hub wizard. ` +
            'Do it there, or run the command without --backend webex to work on the embedded directory.\n',
        );
        process.exit(EXIT.NOT_APPLIED);
      }, true) as unknown as Argv<GlobalArgs>;
      return (typeof build === 'function' ? build(withOption) : withOption) as Argv<T>;
    },
  };
}
