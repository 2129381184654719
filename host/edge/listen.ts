import type { Server } from 'node:net';

export class ListenError extends Error {
  constructor(
    message: string,
    /** The system's error code, `EADDRINUSE` for a port in use. */
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Listens on `host:port` (0: a free port) and resolves with the port; a failure names the address and why. */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be listened on (${error.code ?? error.message})`;
      reject(new ListenError(`${what}: ${host}:${port} ${why}`, error.code));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Listens on `preferredPort`, or on a free port when that one is taken; for defaults that must not stop a start. */
export async function listenPreferring(
  server: Server,
  host: string,
  preferredPort: number,
  what: string,
): Promise<number> {
  try {
    return await listen(server, host, preferredPort, what);
  } catch (error) {
    if (error instanceof ListenError && error.code === 'EADDRINUSE') {
      return listen(server, host, 0, what);
    }
    throw error;
  }
}

/** Stops taking connections and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** `host:port` for a URL: IPv6 literals in brackets, a wildcard address as loopback (where a local client dials). */
export function urlAuthority(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `127.0.0.1:${port}`;
  if (host === '::') return `[::1]:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
