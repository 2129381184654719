/**
 * Brokers of a run's own (nats-server with JetStream, Mosquitto) on free loopback ports, for the tests of the edge and
 * the benches alike, so either can stop and restart its peer without touching the machine's services.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/* Each is ended by its own process id. */

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `wasmote-${prefix}-`));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, name: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`);
}

/** A child process ended by its own pid: SIGTERM (or SIGKILL), then waits for its exit. */
async function endProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

abstract class PeerProcess {
  protected child: ChildProcess | undefined;
  protected log = '';

  /** What the process printed, for tests that check what the peer saw. */
  get output(): string {
    return this.log;
  }

  /** The process's id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  constructor(
    readonly port: number,
    private readonly name: string,
  ) {}

  protected abstract command(): [string, string[]];

  async start(): Promise<void> {
    const [program, args] = this.command();
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.child = child;
    try {
      await waitForPort(this.port, child, this.name);
    } catch (error) {
      await endProcess(child, 'SIGKILL');
      throw new Error(`${(error as Error).message}\n${this.log}`);
    }
  }

  /** Ends it gracefully. */
  async stop(): Promise<void> {
    if (this.child) await endProcess(this.child, 'SIGTERM');
  }

  /** Ends it at once, as a crash would. */
  async kill(): Promise<void> {
    if (this.child) await endProcess(this.child, 'SIGKILL');
  }
}

/** nats-server with JetStream, storing in `storeDir` (kept across restarts). */
export class NatsServer extends PeerProcess {
  readonly url: string;

  constructor(
    port: number,
    readonly storeDir: string,
    private readonly auth?: { user: string; pass: string },
    /** Serve TLS only, requiring a client certificate signed by `caFile`. */
    private readonly tls?: { caFile: string; certFile: string; keyFile: string },
  ) {
    super(port, 'nats-server');
    this.url = `${tls ? 'tls' : 'nats'}://127.0.0.1:${port}`;
  }

  static async start(
    storeDir: string,
    auth?: { user: string; pass: string },
    tls?: { caFile: string; certFile: string; keyFile: string },
  ): Promise<NatsServer> {
    const server = new NatsServer(await freePort(), storeDir, auth, tls);
    await server.start();
    return server;
  }

  protected command(): [string, string[]] {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    if (this.auth) args.push('--user', this.auth.user, '--pass', this.auth.pass);
    if (this.tls) {
      const { caFile, certFile, keyFile } = this.tls;
      args.push('--tls', '--tlscert', certFile, '--tlskey', keyFile, '--tlscacert', caFile, '--tlsverify');
    }
    return ['nats-server', args];
  }
}

export interface MosquittoOptions {
  /** Users allowed in (a password file); anonymous clients are refused when given. */
  users?: Record<string, string>;
  /** Serve TLS with these PEM files (and require client certificates signed by `caFile` when `requireCertificate`). */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Keep sessions and queued messages in this folder across a graceful restart. */
  persistenceDir?: string;
  /** An acl_file (mosquitto.conf(5)) holding which user may publish and read which topics. */
  aclFile?: string;
}

/** mosquitto with a config file in `dir`; in memory unless `persistenceDir` is given. */
export class Mosquitto extends PeerProcess {
  readonly url: string;
  private readonly configFile: string;

  constructor(port: number, dir: string, options: MosquittoOptions = {}) {
    super(port, 'mosquitto');
    this.url = `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`;
    this.configFile = path.join(dir, `mosquitto-${port}.conf`);
    const lines = [
      `listener ${port} 127.0.0.1`,
      'log_dest stderr',
      // mosquitto.conf(5)'s default set: connections and errors, which tests read. `all` would add two debug lines
      // per PUBLISH, which the broker formats and this process reads: a cost of the bench, not of the peers.
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      // A subscriber's persistent session keeps every message while it is away (the default keeps 1000).
      'max_queued_messages 0',
      // Run as this user (as root it would switch to 'mosquitto', which cannot read the test's private folder).
      `user ${userInfo().username}`,
    ];
    if (options.persistenceDir) {
      lines.push('persistence true', `persistence_location ${options.persistenceDir}/`, 'autosave_interval 1');
    } else {
      lines.push('persistence false');
    }
    if (options.users) {
      const passwordFile = path.join(dir, `passwords-${port}`);
      writeFileSync(passwordFile, '');
      for (const [user, password] of Object.entries(options.users)) {
        execFileSync('mosquitto_passwd', ['-b', passwordFile, user, password]);
      }
      lines.push('allow_anonymous false', `password_file ${passwordFile}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (options.tls) {
      lines.push(`cafile ${options.tls.caFile}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
      if (options.tls.requireCertificate) lines.push('require_certificate true');
    }
    if (options.aclFile) lines.push(`acl_file ${options.aclFile}`);
    writeFileSync(this.configFile, `${lines.join('\n')}\n`);
  }

  static async start(dir: string, options: MosquittoOptions = {}): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort(), dir, options);
    await broker.start();
    return broker;
  }

  protected command(): [string, string[]] {
    return ['mosquitto', ['-c', this.configFile]];
  }
}
