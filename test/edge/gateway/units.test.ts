/** The gateway's pure parts against the specification's own numbers. */
import { createServer, type Server } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { connectToBroker } from '../../../host/edge/gateway/broker-connection.ts';
import { commandRequest } from '../../../host/edge/gateway/command-request.ts';
import { LatestValues } from '../../../host/edge/gateway/latest-values.ts';
import { formatWallTime, TimeAnchor } from '../../../host/edge/gateway/time-anchor.ts';

const ALL = ['led', 'interval', 'brightness', 'app:0x80', 'ping', 'hello', 'reboot'];

describe('docs/mqtt.md §1 wall time', () => {
  it("writes what Date's toISOString() writes, from one second's text to the next and back", () => {
    const times = [
      1_733_369_999_998.7, 1_733_369_999_999, 1_733_370_000_000, 1_733_370_000_000.999, 1_733_370_000_001, 1_733_370_000_999,
      1_733_370_001_000, 1_733_369_000_500, 0, 0.5, 999, 1000, -1, -999.5, -1000, -1001, 951_782_400_000, 4_102_444_799_999,
    ];
    // The same times with a seeded walk of small steps, as a stream of messages gives them.
    let wallMs = 1_733_370_000_000;
    let seed = 7;
    for (let k = 0; k < 5000; k++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      wallMs += (seed % 700) / 3 - 50;
      times.push(wallMs);
    }
    for (const time of times) expect(formatWallTime(time), String(time)).toBe(new Date(time).toISOString());
  });

  it('refuses a time out of the Date range as Date does', () => {
    expect(() => formatWallTime(8.64e15 + 1)).toThrow(RangeError);
    expect(() => formatWallTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('docs/mqtt.md §1 time anchor', () => {
  it('is the smallest of the last 12 estimates, and arrival time before any', () => {
    const anchor = new TimeAnchor();
    expect(anchor.stamp(1000, 50_000)).toEqual({ time: '1970-01-01T00:00:50.000Z', timeSource: 'arrival' });
    anchor.addEstimate(10_040, 10_000); // 40 ms in transit
    anchor.addEstimate(15_010, 15_000); // 10 ms: the best so far
    expect(anchor.anchorWallMs).toBe(10);
    for (let k = 1; k <= 12; k++) anchor.addEstimate(15_000 + k * 5000 + 30, 15_000 + k * 5000);
    // Twelve estimates later the 10 ms one has left the window.
    expect(anchor.anchorWallMs).toBe(30);
    expect(anchor.stamp(1000, 0)).toEqual({ time: '1970-01-01T00:00:01.030Z', timeSource: 'anchored' });
  });

  it('never steps back as uptime goes on when a smaller estimate moves the anchor back', () => {
    const anchor = new TimeAnchor();
    anchor.addEstimate(10_050, 10_000); // anchor 50 ms
    expect(anchor.stamp(10_500, 0).time).toBe('1970-01-01T00:00:10.550Z');
    anchor.addEstimate(15_010, 15_000); // anchor 10 ms: 40 ms back
    // 10.520 on the new anchor would come before 10.550, already given to an older message: held there...
    expect(anchor.stamp(10_510, 0).time).toBe('1970-01-01T00:00:10.550Z');
    expect(anchor.stamp(10_530, 0).time).toBe('1970-01-01T00:00:10.550Z');
    // ...until the device's clock has passed it.
    expect(anchor.stamp(10_560, 0).time).toBe('1970-01-01T00:00:10.570Z');
    // A late message, older than the newest stamped, takes the anchor as it is.
    expect(anchor.stamp(10_000, 0).time).toBe('1970-01-01T00:00:10.010Z');
    expect(anchor.stamp(10_600, 0).time).toBe('1970-01-01T00:00:10.610Z');
  });
});

describe('docs/mqtt.md §5.1 command payloads', () => {
  it('encodes the worked example of docs/link-protocol.md §8: LED blink 500 ms', () => {
    expect(commandRequest('led', { mode: 'blink', periodMs: 500 }, ALL)).toEqual({ ok: true, bytes: Uint8Array.of(0x01, 0x03, 0xf4, 0x01) });
  });

  it.each([
    ['led', { mode: 'on' }, [0x01, 0x01]],
    ['led', { mode: 'blink', periodMs: 50 }, [0x01, 0x03, 0x32, 0x00]],
    ['led', { mode: 'blink', periodMs: 10_000 }, [0x01, 0x03, 0x10, 0x27]],
    ['interval', { ms: 3_600_000 }, [0x02, 0x80, 0xee, 0x36, 0x00]],
    ['brightness', { dutyU16: 65535 }, [0x03, 0xff, 0xff]],
    ['brightness', { duty: 0 }, [0x03, 0x00, 0x00]],
    ['brightness', { duty: 1 }, [0x03, 0xff, 0xff]],
    ['app:0x80', {}, [0x80]],
    ['ping', { id: 'x' }, [0x70]],
    ['hello', {}, [0x71]],
    ['reboot', {}, [0x72]],
  ])('%s %j', (command, payload, bytes) => {
    expect(commandRequest(command, payload, ALL)).toEqual({ ok: true, bytes: Uint8Array.from(bytes) });
  });

  it.each([
    ['led', { mode: 'blink' }, 'periodMs: required'],
    ['led', { mode: 'blink', periodMs: 49 }, 'periodMs: must be a whole number from 50 to 10000'],
    ['led', { mode: 'on', periodMs: 500 }, 'periodMs: for mode blink only'],
    ['interval', { ms: 99 }, 'ms: must be a whole number from 100 to 3600000'],
    ['interval', { ms: 1.5e3 + 0.5 }, 'ms: must be a whole number from 100 to 3600000'],
    ['brightness', { duty: 1.01 }, 'duty: must be a number from 0 to 1'],
    ['brightness', { dutyU16: 65536 }, 'dutyU16: must be a whole number from 0 to 65535'],
    ['app:0x80', { args: 'abc' }, 'args: must be hex digits, two per byte'],
    ['app:0x80', { args: 'ab'.repeat(64) }, 'args: at most 63 bytes'],
    ['ping', { extra: 1 }, 'extra: not an argument of this command'],
  ])('%s %j is refused: %s', (command, payload, detail) => {
    expect(commandRequest(command, payload, ALL)).toEqual({ ok: false, error: 'bad-argument', detail });
  });

  it('refuses a command the device does not take', () => {
    expect(commandRequest('led', { mode: 'on' }, ['ping', 'hello', 'reboot'])).toMatchObject({ ok: false, error: 'unknown-command' });
  });
});

describe('the broker connection', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

  it('falls back to MQTT 3.1.1 when the broker refuses 5, as an aedes broker does', async () => {
    const versions: number[] = [];
    server = createServer((socket) => {
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      parser.on('packet', (packet) => {
        if (packet.cmd !== 'connect') return;
        versions.push(packet.protocolVersion!);
        // MQTT 3.1.1 §3.2.2.3: return code 1, unacceptable protocol level, then the server closes.
        const returnCode = packet.protocolVersion === 4 ? 0 : 1;
        socket.write(mqttPacket.generate({ cmd: 'connack', returnCode, sessionPresent: false }, { protocolVersion: 4 }));
        if (returnCode !== 0) socket.end();
      });
      socket.on('data', (chunk) => parser.parse(chunk));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { client, protocolVersion } = await connectToBroker({
      broker: { url: `mqtt://127.0.0.1:${port}`, options: {} },
      clientId: 'wasmote-edge-fallback',
      will: { topic: 'wasmote/x/$edge/state', payload: '{}' },
    });
    expect(protocolVersion).toBe(4);
    expect(versions).toEqual([5, 4]);
    client.end(true);
  });

  it('says in words when the broker cannot be reached', async () => {
    await expect(connectToBroker({ broker: { url: 'mqtt://127.0.0.1:1', options: {} }, clientId: 'x', will: { topic: 't', payload: '' } })).rejects.toThrow(
      /cannot connect to the broker at mqtt:\/\/127\.0\.0\.1:1: ECONNREFUSED/,
    );
  });
});

describe('docs/mqtt.md §3.5 latest values', () => {
  it('keeps each metric\'s newest value with its own tick\'s time, and starts again with a new session', () => {
    const latest = new LatestValues();
    latest.note(3, 'sht31.humidity', 41.2, '2026-12-04T07:30:01.000Z');
    latest.note(0, 'tmp102.temperature', 21.5, '2026-12-04T07:30:01.000Z');
    latest.note(0, 'tmp102.temperature', 23, '2026-12-04T07:30:02.000Z');
    expect(latest.byName()).toEqual({
      'sht31.humidity': { value: 41.2, time: '2026-12-04T07:30:01.000Z' },
      'tmp102.temperature': { value: 23, time: '2026-12-04T07:30:02.000Z' },
    });
    // In the order first reported, as a reader of the JSON sees them.
    expect(Object.keys(latest.byName())).toEqual(['sht31.humidity', 'tmp102.temperature']);
    latest.clear();
    expect(latest.byName()).toEqual({});
    latest.note(0, 'tmp102.temperature', -4.25, '2026-12-04T08:00:00.000Z');
    expect(latest.byName()).toEqual({ 'tmp102.temperature': { value: -4.25, time: '2026-12-04T08:00:00.000Z' } });
  });
});
