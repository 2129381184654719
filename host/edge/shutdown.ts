/**
 * Shutdown that loses nothing (docs/edge.md, "Shutdown"): the first SIGINT or SIGTERM runs `close` (stop intake,
 * commit, close the connections) and then exits; a second signal exits at once, for an operator who will not wait.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  { log = (line: string) => process.stderr.write(`${line}\n`), exit = (code: number) => process.exit(code) } = {},
): () => void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log(`${signal} again: exiting without finishing the shutdown`);
      exit(128 + (signal === 'SIGINT' ? 2 : 15));
      return;
    }
    closing = true;
    log(`${signal}: closing`);
    close().then(
      () => exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
