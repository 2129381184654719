/**
 * The serial line's receiving thread (line-reader.ts starts it): a blocking read() on the port, as a C flasher
 * does, so a reply armed by the main thread (AN3155 §3: the next frame, on the ACK) goes out the moment its byte
 * arrives, whatever the main thread is doing; then the bytes are handed over through shared memory. Plain
 * JavaScript, so the thread starts without a TypeScript loader. The shared layout comes in workerData.
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { path, shared, layout } = workerData;
const { words, arm } = layout;
const control = new Int32Array(shared, 0, words.count);
const ring = new Uint8Array(shared, layout.ringOffset, layout.ringBytes);
const reply = new Uint8Array(shared, layout.replyOffset, layout.replyBytes);
const chunk = Buffer.alloc(layout.chunkBytes);
/** How long the ring may stay full before the thread looks at the stop flag again. */
const RING_WAIT_MS = 100;
/**
 * A read that returns nothing sooner than this was not VTIME running out (0.1 s) but a hung-up line (the adapter
 * unplugged, the other end of a pseudo-terminal closed): it would return nothing again at once, for ever.
 */
const HUNG_UP_WITHIN_MS = 20;

/** Sends the armed reply if `byte` is the one it waits for; either way the arming is used up. */
function fireArmed(fd, byte) {
  if (Atomics.compareExchange(control, words.arm, arm.armed, arm.firing) !== arm.armed) return;
  if (byte !== control[words.replyByte]) {
    Atomics.store(control, words.arm, arm.idle);
    return;
  }
  const bytes = reply.subarray(0, control[words.replyLength]);
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
  Atomics.store(control, words.arm, arm.sent);
  Atomics.notify(control, words.arm);
}

/** Copies `count` bytes into the ring once there is room, and tells the main thread. */
function deliver(count) {
  for (;;) {
    const read = Atomics.load(control, words.read);
    if (control[words.written] - read + count <= ring.length) break;
    if (Atomics.load(control, words.stop) !== 0) return;
    Atomics.wait(control, words.read, read, RING_WAIT_MS);
  }
  const written = control[words.written];
  for (let i = 0; i < count; i++) ring[(written + i) % ring.length] = chunk[i];
  Atomics.store(control, words.written, written + count);
  Atomics.notify(control, words.written);
}

let fd;
try {
  // The port is opened with VMIN 0 and VTIME 1 (serial-port.ts): a read returns within 0.1 s even when idle.
  fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  while (Atomics.load(control, words.stop) === 0) {
    const startMs = performance.now();
    const count = readSync(fd, chunk, 0, chunk.length, null);
    if (count === 0) {
      if (performance.now() - startMs < HUNG_UP_WITHIN_MS) throw new Error('the line hung up');
      continue;
    }
    fireArmed(fd, chunk[0]);
    deliver(count);
  }
  parentPort.postMessage({ done: true });
} catch (error) {
  Atomics.store(control, words.failed, 1);
  Atomics.notify(control, words.written);
  parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  if (fd !== undefined) closeSync(fd);
}
