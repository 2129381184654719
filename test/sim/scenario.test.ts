import { describe, expect, it } from 'vitest';
import { ScenarioEnvironment } from '../../host/sim/environment.ts';
import { ScenarioError, parseScenario } from '../../host/sim/scenario.ts';

const US_PER_S = 1_000_000;

function temperatureAt(components: object[], timesS: number[]): number[] {
  const scenario = parseScenario({ environment: { temperatureC: { base: 20, components } } });
  const environment = new ScenarioEnvironment(scenario, 1, 0);
  return timesS.map((timeS) => environment.temperatureC(timeS * US_PER_S));
}

describe('scenario signals', () => {
  it('adds a step from its time on', () => {
    expect(temperatureAt([{ kind: 'step', atS: 10, delta: 5 }], [0, 9.999, 10, 100])).toEqual([20, 20, 25, 25]);
  });

  it('ramps linearly between fromS and toS', () => {
    expect(temperatureAt([{ kind: 'ramp', fromS: 10, toS: 20, delta: 10 }], [5, 10, 15, 20, 30])).toEqual([20, 20, 25, 30, 30]);
  });

  it('drifts', () => {
    expect(temperatureAt([{ kind: 'drift', perS: 0.5 }], [0, 4])).toEqual([20, 22]);
  });

  it('spikes for its duration only (an injected anomaly)', () => {
    expect(temperatureAt([{ kind: 'spike', atS: 3, durationS: 2, delta: 15 }], [2.9, 3, 4.9, 5])).toEqual([20, 35, 35, 20]);
  });

  it('follows a sine', () => {
    const [zero, quarter, half] = temperatureAt([{ kind: 'sine', amplitude: 2, periodS: 40 }], [0, 10, 20]);
    expect(zero).toBe(20);
    expect(quarter).toBe(22);
    expect(half).toBeCloseTo(20, 12);
  });

  it('draws noise with the configured spread, the same for the same seed and time', () => {
    const times = Array.from({ length: 20_000 }, (_, i) => i * 0.01);
    const samples = temperatureAt([{ kind: 'noise', stddev: 0.5 }], times);
    const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
    const variance = samples.reduce((sum, value) => sum + (value - mean) ** 2, 0) / samples.length;
    expect(mean).toBeCloseTo(20, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(0.5, 1);
    expect(temperatureAt([{ kind: 'noise', stddev: 0.5 }], times)).toEqual(samples);
  });

  it('vibrates for its window only (an injected anomaly)', () => {
    const values = temperatureAt([{ kind: 'vibration', fromS: 10, toS: 20, amplitude: 3, frequencyHz: 0.25 }], [9, 10, 11, 13, 20]);
    expect(values[0]).toBe(20);
    expect(values[1]).toBe(20);
    expect(values[2]).toBeCloseTo(23, 12);
    expect(values[3]).toBeCloseTo(17, 12);
    expect(values[4]).toBe(20);
  });

  it('lets an out-of-range fault override the quantity for its window and devices', () => {
    const scenario = parseScenario({
      faults: [{ kind: 'out-of-range', quantity: 'pressurePa', value: 2e5, fromS: 1, toS: 2, devices: [0] }],
    });
    const faulty = new ScenarioEnvironment(scenario, 1, 0);
    const healthy = new ScenarioEnvironment(scenario, 1, 1);
    expect(faulty.pressurePa(1.5 * US_PER_S)).toBe(2e5);
    expect(faulty.pressurePa(2 * US_PER_S)).not.toBe(2e5);
    expect(healthy.pressurePa(1.5 * US_PER_S)).not.toBe(2e5);
  });
});

function validationMessage(json: unknown): string {
  try {
    parseScenario(json, 'bad.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario validation', () => {
  it('names every problem by its path', () => {
    const message = validationMessage({
      chips: ['tmp102', 'ds18b20'],
      environment: { humidity: { base: 3 }, temperatureC: { base: 20, components: [{ kind: 'sine', amplitude: 1, periodS: 0 }] } },
      faults: [
        { kind: 'nack', address: '0x99', fromS: 1, toS: 2 },
        { kind: 'melt', fromS: 0, toS: 1 },
      ],
    });
    expect(message).toMatch(/^bad.json is not a valid scenario:/);
    for (const path of ['chips.1:', 'environment:', 'environment.temperatureC.components.0.periodS:', 'faults.0.address:', 'faults.1.kind:']) {
      expect(message).toContain(path);
    }
  });

  it('refuses a fault window that ends before it starts', () => {
    expect(validationMessage({ faults: [{ kind: 'unplug', address: 118, fromS: 5, toS: 5 }] })).toContain(
      'faults.0.toS: toS must be after fromS',
    );
  });

  it('refuses a vibration that ends before it starts and a chip fault on an unknown quantity', () => {
    const message = validationMessage({
      environment: { accelerationMps2: { x: { base: 0, components: [{ kind: 'vibration', fromS: 3, toS: 2, amplitude: 1, frequencyHz: 10 }] }, y: { base: 0 }, z: { base: 9.8 } } },
      faults: [{ kind: 'calibration-drift', address: '0x48', quantity: 'light', perS: 1, fromS: 0, toS: 1 }],
    });
    expect(message).toContain('environment.accelerationMps2.x.components.0: toS must be after fromS');
    expect(message).toContain('faults.0.quantity:');
  });

  it('accepts hex-string and numeric addresses alike', () => {
    const hex = parseScenario({ faults: [{ kind: 'unplug', address: '0x76', fromS: 0, toS: 1 }] });
    const numeric = parseScenario({ faults: [{ kind: 'unplug', address: 118, fromS: 0, toS: 1 }] });
    expect(hex.faults).toEqual(numeric.faults);
  });
});
