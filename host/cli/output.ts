/**
 * Standard output as the commands print to it. A reader that goes away (`wasmote sim | head -1`) is not an
 * error (issue 9): printing stops without a stack trace, and commands that print as they work stop working.
 */
let closed = false;
let watching = false;
const closeListeners = new Set<() => void>();

/** Turns EPIPE on stdout into a quiet close; main() calls it first, printLine() in case a test runs a command. */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    if (error.code !== 'EPIPE') throw error;
    closed = true;
    for (const listener of closeListeners) listener();
    closeListeners.clear();
  });
}

/** Whether the reader of stdout has gone. */
export function stdoutClosed(): boolean {
  return closed;
}

/** Calls `listener` once when the reader of stdout goes; returns the function that cancels it. */
export function onStdoutClosed(listener: () => void): () => void {
  watchStdout();
  if (closed) {
    listener();
    return () => {};
  }
  closeListeners.add(listener);
  return () => closeListeners.delete(listener);
}

/** Prints one line to stdout, or nothing once its reader has gone. */
export function printLine(line: string): void {
  watchStdout();
  if (!closed) process.stdout.write(`${line}\n`);
}
