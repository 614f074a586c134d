import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { listOutbox } from '../provisioning/outbox.js';
import { print, runCommand, type GlobalArgs } from './context.js';
import { withProvisioning } from './provisioning-shared.js';

/** `bulkhub outbox list`: the messages bulkhub recorded for people to act on. */

interface ListArgs extends GlobalArgs {
  subscription?: string;
}

const list: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'List the recorded messages (hand-overs to customer admins, requests to delegates)',
  builder: (y: Argv<GlobalArgs>) => y.option('subscription', { type: 'string', describe: 'Only the messages about this order' }),
  handler: (argv: ArgumentsCamelCase<ListArgs>) =>
    runCommand(() =>
      withProvisioning(argv, (db) => {
        const messages = listOutbox(db, argv.subscription);
        const text =
          messages.length === 0
            ? 'The outbox is empty.'
            : messages.map((m) => `#${m.id} ${m.createdAt}  to ${m.to}\n  Subject: ${m.subject}\n  ${m.body}`).join('\n\n');
        print(argv, messages, text);
      }),
    ),
};

export const outboxCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'outbox',
  describe: 'Messages bulkhub recorded for someone to send or act on (it sends no e-mail itself)',
  builder: (y: Argv<GlobalArgs>) => y.command(list).demandCommand(1, 'Name an outbox command: list.'),
  handler: () => {},
};
