/**
 * The host end of the transit probes (transit.ts), on a thread of its own so that it sleeps between probes as a
 * flasher does: it sends a byte the moment the last echo is in, and times each round trip to the echo's arrival.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../clock.ts';
import { PtyDevicePort } from './pty-port.ts';

export interface ProbeHostData {
  hostPath: string;
  probes: number;
  timeoutMs: number;
}

/** What the thread posts back: every round trip in order, or why it stopped. */
export type ProbeHostReply = { roundTripsMs: number[] } | { error: string };

async function probeFromHost({ hostPath, probes, timeoutMs }: ProbeHostData): Promise<ProbeHostReply> {
  const host = new PtyDevicePort(hostPath, systemClock);
  const roundTripsMs: number[] = [];
  try {
    for (let count = 0; count < probes; count++) {
      const sentMs = systemClock.nowMs();
      await host.write(Uint8Array.of(0));
      await host.read(1, timeoutMs);
      roundTripsMs.push(host.lastArrivalMs - sentMs);
    }
    return { roundTripsMs };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await host.close();
  }
}

parentPort!.postMessage(await probeFromHost(workerData as ProbeHostData));
