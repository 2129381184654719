import { execFile } from 'node:child_process';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { appPath } from '../support/apps.ts';

const CLI = new URL('../../bin/wasmote.js', import.meta.url).pathname;

async function wasmote(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('wasmote sim', () => {
  it('prints plausible readings of all five chips as JSON lines for 60 s of virtual time', async () => {
    const { code, stdout, stderr } = await wasmote('sim', '--app', appPath('sensor-node'), '--duration', '60s', '--json');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const hello = lines.find((line) => line.type === 'hello');
    expect(hello).toMatchObject({ device: 'sim-0000', bootReason: 0, abiVersion: 0x10000 });
    expect(hello.metrics).toHaveLength(13);
    const data = lines.filter((line) => line.type === 'data');
    expect(data).toHaveLength(60); // one a second, the first after init's chip start-up waits
    for (const { values } of data) {
      expect(values['tmp102.temperature']).toBeGreaterThan(15);
      expect(values['tmp102.temperature']).toBeLessThan(30);
      expect(values['sht31.humidity']).toBeGreaterThan(30);
      expect(values['sht31.humidity']).toBeLessThan(60);
      expect(values['bme280.pressure']).toBeGreaterThan(100_000);
      expect(values['bme280.pressure']).toBeLessThan(102_500);
      expect(values['mpu6050.accel_z']).toBeGreaterThan(9.5);
      expect(values['mpu6050.accel_z']).toBeLessThan(10.1);
    }
    expect(stderr).toMatch(/1 device\(s\), 60 s of virtual time/);
  });

  it('gives the same output for the same seed', async () => {
    const args = ['sim', '--app', appPath('sensor-node'), '--duration', '10s', '--json', '--devices', '3', '--seed', '42'];
    const [first, second] = [await wasmote(...args), await wasmote(...args)];
    expect(first.stdout.length).toBeGreaterThan(1000);
    expect(first.stdout).toBe(second.stdout);
  });

  it('refuses a bad scenario with a message naming the field, and no stack trace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wasmote-cli-'));
    const scenario = path.join(dir, 'bad.json');
    await writeFile(scenario, JSON.stringify({ faults: [{ kind: 'unplug', address: '0x76', fromS: 9, toS: 3 }] }));
    const { code, stderr } = await wasmote('sim', '--app', appPath('sensor-node'), '--scenario', scenario);
    expect(code).toBe(1);
    expect(stderr).toContain('faults.0.toS: toS must be after fromS');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a file that is not an app', async () => {
    const { code, stderr } = await wasmote('sim', '--app', CLI);
    expect(code).toBe(1);
    expect(stderr).toContain('not a valid WebAssembly module');
  });

  it('explains a bad option and points to --help', async () => {
    const { code, stderr } = await wasmote('sim', '--devices', 'many');
    expect(code).toBe(2);
    expect(stderr).toContain("--devices 'many' must be a positive integer");
  });

  it.each(['sim', 'build', 'bench', 'demo', 'flash', 'firmware'])('wasmote %s --help', async (command) => {
    const { code, stdout } = await wasmote(command, '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: wasmote/);
  });
});
