/**
 * The shape every `holt` subcommand has (one per file in commands/), and the
 * errors that decide the exit code:
 *   0  success
 *   1  failure: not found, a Holt error, a failed check, a SQL error
 *   2  usage error: unknown command or flag, wrong number of arguments
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
}

export interface CommandContext {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

export interface Command {
  name: string;
  /** One line for `holt --help`. */
  summary: string;
  /** The synopsis line, e.g. `holt get DIR TREE KEY`. */
  usage: string;
  /** Extra help text after the synopsis. */
  details?: string;
  flags: Record<string, FlagSpec>;
  /** Allowed positional argument counts. */
  args: { min: number; max: number };
  /** Returns the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** A mistake in how the command was called: exit 2. */
export class UsageError extends Error {}

/** An expected failure with a message for the user (not found...): exit 1, no stack. */
export class CliError extends Error {}
