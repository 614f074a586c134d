import { optionSource } from './whole-number.js';

/**
 * yargs' own texts for a command line it refuses ("Unknown arguments: bogus-flag, bogusFlag",
 * "Not enough non-option arguments: got 0, need at least 1"), in the words the rest of bulkhub
 * uses: what is wrong with the command line as the person typed it, and what to run instead.
 * yargs is told to speak English (main.ts) so these texts are the ones matched here; a text not
 * matched is passed on as it is.
 *
 * `words` is the command line after `bulkhub` (options and all), to name a command in full and
 * to show an option the way it was typed; `nouns` are bulkhub's top-level commands (users, runs...).
 */
export function wordArgumentError(message: string, words: readonly string[], nouns: readonly string[] = []): string {
  const command = commandOf(words, nouns);
  const help = `see "${command} --help"`;
  const lines = message.split('\n');
  const first = lines[0]!.trim();

  const unknown = /^Unknown arguments?: (.+)$/.exec(first);
  if (unknown) {
    const names = distinct(unknown[1]!.split(', '));
    const typed = names.map((name) => shown(name, words));
    const options = typed.filter((t) => t.startsWith('-'));
    const extra = typed.filter((t) => !t.startsWith('-'));
    const parts = [
      ...(options.length > 0 ? [`${list(options)} ${options.length > 1 ? 'are not options' : 'is not an option'} of ${command}`] : []),
      ...(extra.length > 0 ? [`${list(extra)} ${extra.length > 1 ? 'are' : 'is'} more than ${command} takes (a value with spaces needs quotes)`] : []),
    ];
    return `${capital(parts.join('; '))}; ${help}.`;
  }

  const unknownCommand = /^Unknown commands?: (.+)$/.exec(first);
  if (unknownCommand) return `${list(unknownCommand[1]!.split(', ').map((c) => `"${c}"`))} is not a command of ${command}; ${help}.`;

  const meant = /^Did you mean (.+)\?$/.exec(first);
  if (meant) {
    // The typo is the word read as a subcommand, or else the first word that is no command.
    const parts = command.split(' ');
    const typo = parts.length === 3 ? parts.pop() : words.find((w) => !w.startsWith('-') && !parts.includes(w) && /^[a-z][a-z-]*$/i.test(w));
    const parent = parts.join(' ');
    return `${typo ? `"${typo}" is not a command of ${parent}` : 'That is not a command'}. Did you mean "${meant[1]}"? See "${parent} --help".`;
  }

  if (/^Not enough non-option arguments: got \d+, need at least \d+$/.test(first)) {
    return `"${command}" needs one more word: a command, or what it works on (a file, a run id...); ${help}.`;
  }
  if (/^Too many non-option arguments: got \d+, maximum of \d+$/.test(first)) return `"${command}" takes fewer words than were given; ${help}.`;

  const required = /^Missing required arguments?: (.+)$/.exec(first);
  if (required) {
    const names = required[1]!.split(', ').map((n) => `--${kebab(n)}`);
    return `${list(names)} ${names.length > 1 ? 'are' : 'is'} required by ${command}; ${help}.`;
  }

  const noValue = /^(?:Not enough arguments following|Missing argument values?): (.+)$/.exec(first);
  if (noValue) return `${list(noValue[1]!.split(', ').map((n) => `--${kebab(n)}`))} needs a value; ${help}.`;

  if (first === 'Invalid values:') {
    const choices = lines.slice(1).map((line) => /Argument: (\S+), Given: (.+), Choices: (.+)$/.exec(line.trim())).filter((m) => m !== null);
    if (choices.length > 0) {
      return choices.map((m) => `${optionSource(kebab(m[1]!), words).name} must be one of ${m[3]!.split(', ').join(', ')}, not ${m[2]}`).join('; ') + `; ${help}.`;
    }
  }

  const exclusive = /^Arguments (\S+) and (\S+) are mutually exclusive$/.exec(first);
  if (exclusive) return `--${kebab(exclusive[1]!)} and --${kebab(exclusive[2]!)} cannot be used together; ${help}.`;

  return message;
}

/**
 * `bulkhub users import`: the top-level command typed (global options such as `--db PATH` may
 * come before it) and the word after it, when that is a command name too.
 */
function commandOf(words: readonly string[], nouns: readonly string[]): string {
  const at = words.findIndex((w) => nouns.includes(w));
  if (at < 0) return 'bulkhub';
  const next = words[at + 1];
  return next !== undefined && /^[a-z][a-z-]*$/.test(next) ? `bulkhub ${words[at]} ${next}` : `bulkhub ${words[at]}`;
}

/** yargs names an unknown option in both spellings (bogus-flag and bogusFlag): keep the one typed. */
function distinct(names: readonly string[]): string[] {
  const set = new Set(names);
  return names.filter((name) => !(name !== kebab(name) && set.has(kebab(name))));
}

/** An unknown name as it was typed: `--bogus-flag`, `-x`, or a stray word in quotes. */
function shown(name: string, words: readonly string[]): string {
  const option = name.length === 1 ? `-${name}` : `--${name}`;
  const typed = words.some((w) => w === option || w.startsWith(`${option}=`) || (name.length === 1 && /^-[a-zA-Z]+$/.test(w) && w.includes(name)));
  return typed || !words.includes(name) ? option : `"${name}"`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
