/**
 * The device side of the edge bench, in a process of its own so it does not share the edge's event loop: one TCP
 * connection per recorded device (docs/link-protocol.md §2: a connection carries one device's link), each
 * replaying its recorded frames at full speed, SECONDS_PER_WRITE virtual seconds of the whole fleet at a time. A
 * connection whose socket is full is waited for before the next write, so the edge's pace sets the replay's.
 *
 * argv: <recording file (v8-serialized Recording)> <edge port>. IPC: sends 'ready' once connected; on 'births'
 * writes every device's birth and sends 'births-sent'; on 'go' replays the rest and sends { sentAtMs } when
 * everything is written; exits on 'end'.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { deserialize } from 'node:v8';
import type { Recording } from './edge-recording.ts';

const [recordingPath, portText] = process.argv.slice(2);
const recording = deserialize(readFileSync(recordingPath!)) as Recording;
const port = Number(portText);

/**
 * At most this many connections are opened at once: a storm of 10,000 simultaneous connects overflows the listen
 * queue, and the kernel's SYN cookies then leave some connections open at this end only, to be reset at the first
 * write. A fleet that comes back from a power cut does not dial in the same microsecond either.
 */
const CONNECTS_AT_ONCE = 256;

function dial(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
    // The edge's HELLO requests and commands are read and left unanswered: the recording is what it is.
    socket.resume();
  });
}

/**
 * Virtual seconds written to a connection at once. Every write to a loopback TCP socket is a system call whose
 * kernel work (the whole send and receive path) is charged to the writer: a write per device per second made this
 * replayer take more CPU than the broker, on the cores the edge is measured on. The edge still decodes and handles
 * each frame on its own, whatever a read brings.
 */
const SECONDS_PER_WRITE = 10;

/** `writes[n][device]`: the device's bytes of virtual seconds n × SECONDS_PER_WRITE and on, joined before any clock. */
const writes: Uint8Array[][] = [];
for (let first = 0; first < recording.rounds.length; first += SECONDS_PER_WRITE) {
  const rounds = recording.rounds.slice(first, first + SECONDS_PER_WRITE);
  writes.push(Array.from({ length: recording.deviceCount }, (_, device) => Buffer.concat(rounds.map((round) => round[device]!))));
}

const sockets: Socket[] = [];
while (sockets.length < recording.deviceCount) {
  const count = Math.min(CONNECTS_AT_ONCE, recording.deviceCount - sockets.length);
  sockets.push(...(await Promise.all(Array.from({ length: count }, dial))));
}

/** Writes each device's bytes to its connection, then waits for the connections whose socket is full. */
async function writeRound(round: readonly Uint8Array[]): Promise<void> {
  const full: Promise<void>[] = [];
  round.forEach((bytes, device) => {
    const socket = sockets[device]!;
    if (bytes.length > 0 && !socket.write(bytes)) full.push(new Promise((resolve) => socket.once('drain', resolve)));
  });
  if (full.length > 0) await Promise.all(full);
  else await new Promise((resolve) => setImmediate(resolve));
}

async function replay(): Promise<void> {
  for (const round of writes) await writeRound(round);
  process.send!({ sentAtMs: performance.timeOrigin + performance.now() });
}

process.on('message', (message) => {
  if (message === 'births') void writeRound(recording.births).then(() => process.send!('births-sent'));
  if (message === 'go') void replay();
  if (message === 'end') {
    for (const socket of sockets) socket.destroy();
    process.disconnect();
  }
});
// A bench that ends without saying so (a crash, a kill) leaves no replayer behind.
process.once('disconnect', () => process.exit(0));
process.send!('ready');
