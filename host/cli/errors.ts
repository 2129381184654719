/**
 * An error meant for the user: printed as one line without a stack trace (unless --verbose).
 * Anything else reaching the top level is a bug: printed as one line too, with its stack under --verbose.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A command line that does not parse: the message is followed by a pointer to the command's --help. */
export class UsageError extends UserError {
  constructor(
    message: string,
    /** The command whose help to point to ('sim', 'firmware build'); the top-level one when not given. */
    readonly command?: string,
  ) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
