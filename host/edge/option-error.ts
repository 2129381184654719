/** A bad option or configuration field: the message starts with its name, e.g. `--ca: cannot read ca.pem (ENOENT)`. */
export class OptionError extends Error {
  constructor(
    /** The command-line option or field at fault, e.g. `--password-file` or `tls.caFile`. */
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'OptionError';
  }
}
