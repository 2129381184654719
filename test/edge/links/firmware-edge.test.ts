/**
 * A firmware device on QEMU linked to an edge over TCP, wired as `wasmote firmware run --edge` wires it: the
 * device's link bytes go to the edge a whole segment at a time, the edge's frames come back through the clock gate's
 * wake, and the host's time keeps pace with the wall clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceUplinks } from '../../../host/edge/links/device-uplinks.ts';
import { parseScenario } from '../../../host/sim/scenario.ts';
import { FirmwareSession } from '../../../host/firmware/session.ts';
import { buildForTest } from '../../firmware/support/firmware-run.ts';
import { appPath } from '../../support/apps.ts';
import { FrameServer } from './support/frame-server.ts';

/** docs/link-protocol.md §4.5.1: PING, answered by the runner. */
const PING = Uint8Array.of(0x70);
const US_PER_MS = 1000;
const RUN_MS = 6000;
/** sensor-node reports once a second: a PING left for the next report's wake would wait about that long. */
const REPORT_INTERVAL_MS = 1000;
const ANSWERED_WITHIN_DEVICE_MS = 750;
/** A report that reaches the host less than this long after its device time is in step with the wall clock. */
const IN_STEP_MS = 250;

const server = new FrameServer();
afterAll(async () => {
  await server.stop();
});

describe('firmware run --edge', { timeout: 180_000 }, () => {
  it('sends every frame to the edge in real time and answers a PING from it', async () => {
    const build = await buildForTest('edge-links', appPath('sensor-node'));
    await server.listen();
    const printed: string[] = [];
    /** The device time the host had reached as each message arrived (a wake sets it; a DATA frame's time too). */
    const arrivedAtDeviceMs: { type: string; deviceMs: number }[] = [];
    const uplinks: DeviceUplinks = new DeviceUplinks({
      address: { host: '127.0.0.1', port: server.port },
      addressText: `tcp://127.0.0.1:${server.port}`,
      deviceCount: 1,
      onSegment: (_index, segment) => session.writeLinkSegments([segment]),
    });
    const session: FirmwareSession = new FirmwareSession({
      machine: build.board.qemuMachine!,
      elf: build.elf,
      deviceId: build.deviceId,
      scenario: parseScenario({}),
      seed: 1,
      realTime: true,
      onMessage: ({ message }) => {
        printed.push(message.type);
        arrivedAtDeviceMs.push({ type: message.type, deviceMs: session.deviceTimeMs });
      },
      onLinkBytes: (chunk) => uplinks.sendStream(0, chunk),
    });
    await uplinks.start();
    await session.start();
    const startedMs = performance.now();
    const running = session.runFor(RUN_MS);
    try {
      // The PING goes out just after a report that reached the host in step with the wall clock: a device that has
      // fallen behind (a busy host) rightly catches up through its report deadlines, which would hide the wake.
      const isData = ({ type }: { type: string }): boolean => type === 'data';
      let reportsBeforePing = 0;
      for (;;) {
        const seen = reportsBeforePing;
        await server.until(() => arrivedAtDeviceMs.filter(isData).length > seen, 60_000, 'DATA');
        reportsBeforePing = arrivedAtDeviceMs.filter(isData).length;
        const lagMs = session.wallClockUs / US_PER_MS - arrivedAtDeviceMs.filter(isData)[reportsBeforePing - 1]!.deviceMs;
        if (lagMs < IN_STEP_MS) break;
        if (reportsBeforePing >= RUN_MS / REPORT_INTERVAL_MS - 2) throw new Error(`the device never kept pace with the wall clock (${Math.round(lagMs)} ms behind)`);
      }
      const edge = server.connections[0]!;
      edge.send({ type: 'command', commandId: 99, payload: PING });
      await server.until(() => edge.frames.some(({ message }) => message.type === 'command-result'), 5000, 'COMMAND_RESULT');
      // Woken for it through the clock gate at the host's time, not at its next report a second of device time
      // later. Measured in device time, which the gate paces: QEMU answering and the bytes coming back, however
      // slow on a busy host, do not count.
      const lastReport = arrivedAtDeviceMs.filter(isData)[reportsBeforePing - 1]!;
      const answer = arrivedAtDeviceMs.find(({ type }) => type === 'command-result')!;
      expect(answer.deviceMs - lastReport.deviceMs).toBeLessThan(ANSWERED_WITHIN_DEVICE_MS);
      const answerIndex = edge.frames.findIndex(({ message }) => message.type === 'command-result');
      expect(edge.frames[answerIndex]!.message).toMatchObject({ commandId: 99, origin: 1, status: 0 });
    } finally {
      await running;
      await uplinks.close();
    }
    const wallMs = performance.now() - startedMs;
    // 6 s of device time took about 6 s (the device was held at its first sleep past the end).
    expect(wallMs).toBeGreaterThan(RUN_MS - 1000);
    expect(session.deviceTimeMs).toBeGreaterThanOrEqual(RUN_MS - 1000);

    // The edge got the link as it is: the messages printed, and the PROXY_REQUESTs between them, numbered 0, 1, ...
    const frames = server.connections[0]!.frames;
    expect(frames.filter(({ message }) => message.type !== 'proxy-request').map(({ message }) => message.type)).toEqual(printed);
    expect(frames.some(({ message }) => message.type === 'proxy-request')).toBe(true);
    expect(frames.map(({ seq }) => seq)).toEqual(frames.map((_, index) => index));
    expect(server.connections[0]!.decoder.stats).toMatchObject({ gaps: 0, crc: 0, cobs: 0, malformed: 0 });
    expect(uplinks.stats.framesLost).toBe(0);
  });
});
