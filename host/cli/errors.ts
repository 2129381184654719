/**
 * An error meant for the user: printed as one line without a stack trace (unless --verbose).
 * Anything else reaching the top level is a bug and is printed with its stack.
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

/** A command line that does not parse: the message is followed by a pointer to --help. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
