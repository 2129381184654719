/** docs/mqtt.md §5: every command path, from an MQTT publish to the device's COMMAND and back to the answer. */
import mqtt from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBroker } from './support/broker.ts';
import { FakeDevice, type FakeLink } from './support/fake-device.ts';
import { settle, startHarness, until, type Harness } from './support/harness.ts';

let broker: Awaited<ReturnType<typeof testBroker>>;
let harness: Harness;
let link: FakeLink;
let device: FakeDevice;
const DEVICE = 'node-1';
/** docs/link-protocol.md §4.6 origins. */
const APP = 0;
const RUNNER = 1;

beforeAll(async () => {
  broker = await testBroker();
  harness = await startHarness(broker.url, 'commands');
  link = harness.source.connect();
  device = new FakeDevice(link, DEVICE);
  device.boot();
  await harness.watcher.waitFor(`${DEVICE}/birth`);
});

afterAll(async () => {
  await harness?.close();
  await broker?.stop();
});

beforeEach(() => {
  link.onCommand = undefined;
});

/** Publishes a command and waits for the answer with `id` on the default result topic. */
async function ask(command: string, payload: object & { id: string }) {
  await harness.watcher.publish(`${DEVICE}/cmd/${command}`, JSON.stringify(payload));
  return (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === payload.id)).json;
}

describe('commands over MQTT', () => {
  it('§5.2 a ping reaches the device as the runner opcode and its answer comes back', async () => {
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 0);
    const answer = await ask('ping', { id: 'p1' });
    expect(answer).toMatchObject({ device: DEVICE, command: 'ping', id: 'p1', result: 'ok', origin: 'runner', status: 'OK', statusCode: 0, cached: false });
    expect(answer.rttMs).toBeGreaterThanOrEqual(0);
    expect(answer.edgeSession).toBe(harness.gateway.edgeSession);
    expect([...link.commands.at(-1)!.command.payload]).toEqual([0x70]);
  });

  it('§5.1 standard commands are encoded as docs/hal-abi.md §6 says', async () => {
    link.onCommand = (command) => device.answer(command.commandId, APP, 0);
    await ask('led', { id: 'l1', mode: 'blink', periodMs: 500 } as never);
    expect([...link.commands.at(-1)!.command.payload]).toEqual([0x01, 0x03, 0xf4, 0x01]);
    await ask('interval', { id: 'i1', ms: 100_000 } as never);
    expect([...link.commands.at(-1)!.command.payload]).toEqual([0x02, 0xa0, 0x86, 0x01, 0x00]);
    await ask('brightness', { id: 'b1', duty: 0.5 } as never);
    expect([...link.commands.at(-1)!.command.payload]).toEqual([0x03, 0x00, 0x80]);
    await ask('app:0x80', { id: 'a1', args: '0aff' } as never);
    expect([...link.commands.at(-1)!.command.payload]).toEqual([0x80, 0x0a, 0xff]);
  });

  it('§5.3 a NACK names the status by its origin', async () => {
    link.onCommand = (command) => device.answer(command.commandId, APP, 5);
    expect(await ask('interval', { id: 'n1', ms: 5000 } as never)).toMatchObject({ result: 'nack', origin: 'app', status: 'BAD_ARGUMENT', statusCode: 5 });
    link.onCommand = (command) => device.answer(command.commandId, APP, 200);
    expect(await ask('interval', { id: 'n2', ms: 5000 } as never)).toMatchObject({ result: 'nack', status: 'APP_200' });
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 5);
    expect(await ask('ping', { id: 'n3' })).toMatchObject({ result: 'nack', origin: 'runner', status: 'UNSUPPORTED', statusCode: 5 });
    const outOfRange = Uint8Array.from([0x00, 0x01, 0x00, 0x00]);
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 4, false, outOfRange);
    expect(await ask('interval', { id: 'n4', ms: 5000 } as never)).toMatchObject({ status: 'STATUS_OUT_OF_RANGE', appStatus: 256 });
    const restartAt = new Uint8Array(8);
    new DataView(restartAt.buffer).setBigUint64(0, 4000n, true);
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 2, false, restartAt);
    expect(await ask('interval', { id: 'n5', ms: 5000 } as never)).toMatchObject({
      status: 'APP_NOT_RUNNING',
      restartAt: '2026-12-04T07:30:04.000Z',
    });
  });

  it('§5.2 resends the same frame after 2 s and counts rttMs from the first send', async () => {
    const sentBefore = link.commands.length;
    await harness.watcher.publish(`${DEVICE}/cmd/led`, JSON.stringify({ id: 'r1', mode: 'toggle' }));
    await until(() => link.commands.length === sentBefore + 1);
    harness.clock.advance(2000);
    expect(link.commands.length).toBe(sentBefore + 2);
    const [first, again] = link.commands.slice(-2);
    expect(again!.bytes).toEqual(first!.bytes);
    device.answer(first!.command.commandId, APP, 0);
    const answer = (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === 'r1')).json;
    expect(answer).toMatchObject({ result: 'ok', rttMs: 2000 });
  });

  it('§5.2 answers timeout after 10 s', async () => {
    const sentBefore = link.commands.length;
    await harness.watcher.publish(`${DEVICE}/cmd/ping`, JSON.stringify({ id: 't1' }));
    await until(() => link.commands.length > sentBefore);
    harness.clock.advance(10_000);
    const answer = (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === 't1')).json;
    expect(answer).toEqual({ device: DEVICE, command: 'ping', id: 't1', result: 'timeout', origin: 'edge', detail: 'no answer in 10000 ms', edgeSession: expect.any(Number), edgeSeq: expect.any(Number) });
  });

  it('§5.1 a repeated id is answered from the cache, not sent again', async () => {
    link.onCommand = (command) => device.answer(command.commandId, APP, 0);
    const sentBefore = link.commands.length;
    const first = await ask('led', { id: 'c1', mode: 'toggle' } as never);
    await harness.watcher.publish(`${DEVICE}/cmd/led`, JSON.stringify({ id: 'c1', mode: 'toggle' }));
    await until(() => harness.watcher.on(`${DEVICE}/result`).filter((seen) => seen.json.id === 'c1').length === 2);
    const second = harness.watcher.on(`${DEVICE}/result`).filter((seen) => seen.json.id === 'c1')[1]!.json;
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ result: 'ok', cached: true });
    expect(link.commands.length).toBe(sentBefore + 1);
  });

  it('§5.3 refuses what it cannot run, each with its error', async () => {
    const refusals: [string, string, string][] = [
      ['led', '{"id":"e1","mode":"blnk"}', 'bad-argument'],
      ['interval', '{"id":"e2","ms":5}', 'bad-argument'],
      ['dance', '{"id":"e3"}', 'unknown-command'],
      ['app:0x90', '{"id":"e4"}', 'unknown-command'],
    ];
    for (const [command, payload, error] of refusals) {
      await harness.watcher.publish(`${DEVICE}/cmd/${command}`, payload);
      const id = JSON.parse(payload).id;
      const answer = (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === id)).json;
      expect(answer).toMatchObject({ result: 'error', origin: 'edge', error });
    }
    const bad = (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === 'e1')).json;
    expect(bad.detail).toBe('mode: must be one of off, on, toggle, blink');
    await harness.watcher.publish('nobody/cmd/ping', '{"id":"e5"}');
    expect((await harness.watcher.waitFor('nobody/result', (json) => json.id === 'e5')).json).toMatchObject({ error: 'unknown-device' });
  });

  it('§5.3 a payload that is no JSON object is answered malformed', async () => {
    for (const payload of ['not json', '[1,2]', '"text"', 'null']) {
      const before = harness.watcher.on(`${DEVICE}/result`).length;
      await harness.watcher.publish(`${DEVICE}/cmd/ping`, payload);
      await until(() => harness.watcher.on(`${DEVICE}/result`).length > before);
      expect(harness.watcher.on(`${DEVICE}/result`).at(-1)!.json).toMatchObject({ result: 'error', error: 'malformed', command: 'ping' });
    }
  });

  it('§5.1 a retained command is refused and cleared', async () => {
    const sentBefore = link.commands.length;
    await harness.watcher.publish(`${DEVICE}/cmd/ping`, '{"id":"k1"}', { qos: 1, retain: true });
    const answer = (await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.id === 'k1')).json;
    expect(answer).toMatchObject({ result: 'error', error: 'retained' });
    await harness.watcher.waitFor(`${DEVICE}/cmd/ping`, (_, seen) => seen.text === '' && seen.retain);
    await settle(50);
    expect(link.commands.length).toBe(sentBefore);
  });

  it('§5.1 MQTT 5: the answer goes to the response topic with the correlation data, and a repeat is cached', async () => {
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 0);
    const requester = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const responseTopic = `wasmote/${harness.edgeId}/${DEVICE}/result/me`;
      await requester.subscribeAsync(responseTopic, { qos: 1 });
      const answers: { json: any; correlation: string | undefined }[] = [];
      requester.on('message', (_topic, payload, packet) =>
        answers.push({ json: JSON.parse(payload.toString()), correlation: packet.properties?.correlationData?.toString() }),
      );
      const properties = { responseTopic, correlationData: Buffer.from('req-42') };
      const sentBefore = link.commands.length;
      await requester.publishAsync(`wasmote/${harness.edgeId}/${DEVICE}/cmd/ping`, '{}', { qos: 1, properties });
      await requester.publishAsync(`wasmote/${harness.edgeId}/${DEVICE}/cmd/ping`, '{}', { qos: 1, properties });
      await until(() => answers.length === 2);
      expect(answers.map(({ correlation }) => correlation)).toEqual(['req-42', 'req-42']);
      expect(answers.map(({ json }) => json.cached)).toEqual([false, true]);
      expect(link.commands.length).toBe(sentBefore + 1);

      const elsewhere = { responseTopic: 'wasmote/other-edge/x/result/me', correlationData: Buffer.from('req-43') };
      await requester.publishAsync(`wasmote/${harness.edgeId}/${DEVICE}/cmd/ping`, '{}', { qos: 1, properties: elsewhere });
      const refused = await harness.watcher.waitFor(`${DEVICE}/result`, (json) => json.error === 'bad-response-topic');
      expect(refused.packet.properties?.correlationData?.toString()).toBe('req-43');
    } finally {
      await requester.endAsync();
    }
  });

  it('GatewayView.command runs the same path in process and never rejects', async () => {
    link.onCommand = (command) => device.answer(command.commandId, RUNNER, 0);
    expect(await harness.gateway.command(DEVICE, 'ping', {})).toMatchObject({ result: 'ok', origin: 'runner' });
    expect(await harness.gateway.command('ghost', 'ping', {})).toMatchObject({ result: 'error', error: 'unknown-device' });
    expect(await harness.gateway.command(DEVICE, 'led', { mode: 'on', periodMs: 5 })).toMatchObject({ error: 'bad-argument' });
  });

  it('§5.2 a command waiting when the session changes is interrupted', async () => {
    const pending = harness.gateway.command(DEVICE, 'interval', { ms: 2000 });
    await settle();
    device.reboot(0x0bad_cafe);
    expect(await pending).toMatchObject({ result: 'interrupted', origin: 'edge', oldSession: 305419896, newSession: 0x0bad_cafe });
  });

  it('§5.2 a command for a device that is offline is answered at once', async () => {
    await link.close('unplugged');
    await harness.watcher.waitFor(`${DEVICE}/state`, (json) => json?.reason === 'link-closed');
    expect(await ask('ping', { id: 'o1' })).toMatchObject({ result: 'error', error: 'device-offline' });
  });
});
