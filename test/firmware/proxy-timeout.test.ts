/**
 * A tunnelled call the host does not answer (docs/firmware.md, "Firmware in the loop"): on QEMU, the host holds
 * back the response to one SHT31 read-out and sends it late, just before its answer to the next request. The call
 * fails with TIMEOUT, the app logs it and recovers the sensor a cycle later, the late response is dropped, and
 * every other call is answered as in the simulator: the trace is the simulator's but for that sensor's two cycles.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FirmwareBuild } from '../../host/firmware/build.ts';
import { PeripheralHost } from '../../host/firmware/peripheral-host.ts';
import type { DataMessage, LinkMessage, ProxyRequestMessage } from '../../host/link/messages.ts';
import { defaultScenario } from '../../host/sim/scenario.ts';
import { appPath } from '../support/apps.ts';
import { buildForTest, comparableTrace, runInSimulator, runOnQemu } from './support/firmware-run.ts';

const SEED = 7;
const DURATION_MS = 6000;
const US_PER_MS = 1000;
// Restated: the SHT31's address and measurement (SHT3x datasheet §3.3, §4.4), sensor-node's metric ids and
// interval (drivers/apps/sensor-node.ts), and link-protocol.md §4.3 log levels.
const SHT31_ADDRESS = 0x44;
const SHT31_MEASUREMENT_BYTES = 6;
const SHT31_METRIC_IDS = [2, 3];
const INTERVAL_MS = 1000;
const LOG_WARNING = 1;
const LOG_INFO = 2;
/** The cycle whose SHT31 read-out goes unanswered: the first from this device time on. */
const HELD_FROM_US = 3_000_000;

function isSht31ReadOut({ operation }: ProxyRequestMessage): boolean {
  return operation.op === 'i2c-read' && operation.address === SHT31_ADDRESS && operation.readLength === SHT31_MEASUREMENT_BYTES;
}

const isData = (message: LinkMessage): message is DataMessage => message.type === 'data';

describe('a tunnelled call the host does not answer', { timeout: 120_000 }, () => {
  const sensorNode = appPath('sensor-node');
  let build: FirmwareBuild;

  beforeAll(async () => {
    build = await buildForTest('proxy-timeout', sensorNode, 'netduinoplus2', SEED);
  }, 120_000);

  it('sends a held-back response just before the answer to the next request', () => {
    const read: ProxyRequestMessage = {
      type: 'proxy-request',
      requestId: 1,
      timeUs: 0,
      operation: { op: 'i2c-read', address: SHT31_ADDRESS, readLength: SHT31_MEASUREMENT_BYTES },
    };
    const next: ProxyRequestMessage = { type: 'proxy-request', requestId: 2, timeUs: 0, operation: { op: 'gpio-mode', pin: 0, mode: 1 } };
    const host = new PeripheralHost(defaultScenario(), SEED, 0, { holdBack: (request) => request.requestId === read.requestId });
    expect(host.respond(read)).toEqual([]);
    expect(host.respond(next).map(({ requestId }) => requestId)).toEqual([read.requestId, next.requestId]);
  });

  it('fails with TIMEOUT, drops the late response, and answers the next calls as the simulator does', async () => {
    const held: ProxyRequestMessage[] = [];
    const holdBack = (request: ProxyRequestMessage) => {
      const hold = held.length === 0 && isSht31ReadOut(request) && request.timeUs >= HELD_FROM_US;
      if (hold) held.push(request);
      return hold;
    };
    const options = { scenario: defaultScenario(), seed: SEED, durationMs: DURATION_MS };
    const [simulated, firmware] = await Promise.all([
      runInSimulator(sensorNode, options),
      runOnQemu(build, { ...options, peripherals: { holdBack } }),
    ]);
    expect(held).toHaveLength(1);
    const heldMs = Math.floor(held[0]!.timeUs / US_PER_MS);
    const failedMs = Math.max(...simulated.filter(isData).map((data) => data.timeMs).filter((timeMs) => timeMs <= heldMs));
    const recoveredMs = failedMs + INTERVAL_MS;

    const expected = comparableTrace(simulated).flatMap((message): unknown[] => {
      if (!isData(message) || (message.timeMs !== failedMs && message.timeMs !== recoveredMs)) return [message];
      if (message.timeMs === failedMs) {
        // The values the next calls read, once the late response had come and gone, are the simulator's.
        const values = message.values.filter(({ id }) => !SHT31_METRIC_IDS.includes(id));
        return [{ type: 'log', timeMs: heldMs, level: LOG_WARNING, text: 'sht31: read failed: timeout (4)' }, { ...message, values }];
      }
      // Re-initialising the SHT31 spends device time, so the sensors read after it see other noise this cycle.
      const values = message.values.map(({ id }) => ({ id, value: expect.any(Number) }));
      return [{ type: 'log', timeMs: expect.any(Number), level: LOG_INFO, text: 'sht31: recovered' }, { ...message, values }];
    });
    expect(comparableTrace(firmware)).toEqual(expected);
  });
});
