import { flashFirmware } from './host/flash/flasher.ts';
import { parseBinary } from './host/flash/image/binary.ts';
import { pattern, testSettings, withSimulator } from './test/flash/support.ts';
const faults: any[] = [
  [{ kind: 'nack' }, { command: 0x31, occurrence: 3 }],
  [{ kind: 'drop-sent', count: 1, skip: 2 }, { command: 0x31, occurrence: 6 }],
  [{ kind: 'drop-received', count: 3, skip: 20 }, { command: 0x31, occurrence: 9 }],
  [{ kind: 'garbage', bytes: [0x55, 0x00] }, { command: 0x31, occurrence: 12 }],
];
for (const f of faults) {
  await withSimulator({}, async (sim, port) => {
    sim.faults.inject(f[0], f[1]);
    const r = await flashFirmware(port, parseBinary(pattern(8192), 0x08000000), testSettings());
    console.log(f[0].kind, 'recoveries', r.recoveries);
  });
}
