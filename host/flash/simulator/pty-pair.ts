import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PortError } from '../errors.ts';

/** Two pseudo-terminals joined by socat: what is written to one is read from the other. */
export interface PtyPair {
  /** The end a flasher opens (the /dev/pts path) and the symlink to it. */
  hostPath: string;
  hostLink: string;
  /** The end the simulated bootloader serves. */
  devicePath: string;
  close(): Promise<void>;
}

/** socat -d -d logs "PTY is /dev/pts/N" for each end, then this once both are ready. */
const PTY_LINE = /PTY is (\S+)/g;
const READY_LINE = 'starting data transfer loop';
const START_TIMEOUT_MS = 5000;
const SOCAT_MISSING =
  'socat is not installed; the simulator joins its pseudo-terminals with it: apt-get install socat (Debian, Ubuntu) or brew install socat (macOS)';

/**
 * Spawns `socat -d -d pty,rawer,echo=0,link=HOST pty,rawer,echo=0,link=DEVICE` and waits until both ends exist.
 * `hostLink` names the symlink to the flasher's end (a temporary one if not given).
 */
export async function openPtyPair(hostLink?: string): Promise<PtyPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wasmote-pty-'));
  const links = { host: hostLink ? path.resolve(hostLink) : path.join(dir, 'host'), device: path.join(dir, 'device') };
  const socat = spawn('socat', ['-d', '-d', `pty,rawer,echo=0,link=${links.host}`, `pty,rawer,echo=0,link=${links.device}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // 'close' comes after 'exit', and also when socat could not be started at all, which has no 'exit' (issue 9).
  const closed = new Promise<void>((resolve) => socat.once('close', () => resolve()));
  const close = async (): Promise<void> => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill();
    await closed;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [hostPath, devicePath] = await waitForPtys(socat);
    return { hostPath, hostLink: links.host, devicePath, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function waitForPtys(socat: ChildProcess): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onError = (error: NodeJS.ErrnoException): void =>
      finish(new PortError(error.code === 'ENOENT' ? SOCAT_MISSING : `cannot run socat: ${error.message}`));
    const onExit = (code: number | null): void => finish(new PortError(`socat exited with ${code}: ${log.trim()}`));
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes(READY_LINE)) finish();
    };
    const timer = setTimeout(() => finish(new PortError(`socat did not open its pseudo-terminals in ${START_TIMEOUT_MS} ms: ${log}`)), START_TIMEOUT_MS);
    function finish(error?: Error): void {
      clearTimeout(timer);
      socat.off('error', onError);
      socat.off('exit', onExit);
      socat.stderr?.off('data', onData);
      socat.stderr?.resume();
      if (error) return reject(error);
      const ptys = [...log.matchAll(PTY_LINE)].map((match) => match[1]!);
      resolve([ptys[0]!, ptys[1]!]);
    }
    socat.once('error', onError);
    socat.once('exit', onExit);
    socat.stderr?.on('data', onData);
  });
}
