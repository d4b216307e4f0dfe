#!/usr/bin/env node
/**
 * holt: the command-line tool. One subcommand per file in commands/.
 *
 * Exit codes: 0 ok, 1 failure (not found, Holt or SQL error, failed check),
 * 2 usage error. Errors print one line on stderr, `holt: <message>`; stack
 * traces only for internal bugs, or always with HOLT_DEBUG=1.
 */
import { parseArgs } from 'node:util';
import { HoltError } from '../index.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type Command } from './command.js';
import { check } from './commands/check.js';
import { del } from './commands/del.js';
import { exportCommand } from './commands/export.js';
import { get } from './commands/get.js';
import { importCommand } from './commands/import.js';
import { ls } from './commands/ls.js';
import { put } from './commands/put.js';
import { scan } from './commands/scan.js';
import { sql } from './commands/sql.js';
import { stats } from './commands/stats.js';
import { trees } from './commands/trees.js';

const COMMANDS: Command[] = [put, get, del, ls, scan, trees, stats, check, importCommand, exportCommand, sql];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: holt COMMAND [ARGS...]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `  ${'soak'.padEnd(width)}  crash-soak harness (holt soak --help)`,
    '',
    'Run `holt COMMAND --help` for a command\'s arguments.',
    'Exit codes: 0 ok, 1 failure or not found, 2 usage error.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`usage: ${c.usage}`, '', c.summary];
  if (c.details !== undefined) lines.push('', c.details);
  const flags = Object.entries(c.flags);
  lines.push('', 'Options:');
  for (const [name, f] of flags) {
    const flag = `${f.short === undefined ? '' : `-${f.short}, `}--${name}${f.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${flag.padEnd(26)} ${f.description}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(26)} show this help`, '');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  // The soak harness parses its own flags (it also runs as dist/soak/main.js).
  if (name === 'soak') return (await import('../soak/index.js')).runSoak(rest);
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new UsageError(`unknown command "${name}" (see holt --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(Object.entries(command.flags).map(([k, f]) => [k, f.short === undefined ? { type: f.type } : { type: f.type, short: f.short }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see holt ${name} --help)`);
  }
  const n = parsed.positionals.length;
  if (n < command.args.min || n > command.args.max) throw new UsageError(`usage: ${command.usage}`);
  return command.run({ positionals: parsed.positionals, flags: parsed.values as Record<string, string | boolean | undefined> });
}

function report(e: unknown): number {
  const debug = process.env.HOLT_DEBUG === '1';
  if (e instanceof UsageError) {
    process.stderr.write(`holt: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof CliError || e instanceof HoltError) {
    process.stderr.write(`holt: ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    return EXIT_FAILURE;
  }
  const err = e as NodeJS.ErrnoException;
  if (err !== null && typeof err === 'object' && typeof err.code === 'string' && typeof err.syscall === 'string') {
    // An OS error about a path the user gave (ENOENT on an import file...).
    process.stderr.write(`holt: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  process.stderr.write(`holt: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT_FAILURE;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.exitCode = report(e); },
);
