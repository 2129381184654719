import { gaussian, streamId } from './deterministic-noise.ts';
import type { PhysicalEnvironment, Vector3 } from './physics.ts';
import { DEFAULT_ENVIRONMENT, type Fault, type Scenario, type ScalarQuantity, type Signal, type SignalComponent } from './scenario.ts';

const US_PER_S = 1_000_000;

/** One scalar signal of a scenario as a function of device time. */
class SignalFunction {
  private readonly noiseStreams: number[];

  constructor(
    private readonly signal: Signal,
    private readonly seed: number,
    name: string,
  ) {
    this.noiseStreams = signal.components.map((_, index) => streamId(`${name}#${index}`));
  }

  at(timeUs: number): number {
    const timeS = timeUs / US_PER_S;
    let value = this.signal.base;
    const components = this.signal.components;
    for (let i = 0; i < components.length; i++) {
      value += this.componentAt(components[i]!, timeS, timeUs, this.noiseStreams[i]!);
    }
    return value;
  }

  private componentAt(component: SignalComponent, timeS: number, timeUs: number, stream: number): number {
    switch (component.kind) {
      case 'sine':
        return component.amplitude * Math.sin((2 * Math.PI * (timeS + component.phaseS)) / component.periodS);
      case 'step':
        return timeS >= component.atS ? component.delta : 0;
      case 'ramp':
        if (timeS <= component.fromS) return 0;
        if (timeS >= component.toS) return component.delta;
        return (component.delta * (timeS - component.fromS)) / (component.toS - component.fromS);
      case 'drift':
        return component.perS * timeS;
      case 'spike':
        return timeS >= component.atS && timeS < component.atS + component.durationS ? component.delta : 0;
      case 'vibration':
        if (timeS < component.fromS || timeS >= component.toS) return 0;
        return component.amplitude * Math.sin(2 * Math.PI * component.frequencyHz * (timeS - component.fromS));
      case 'noise': {
        const sampleIndex = Math.floor(timeUs / (component.sampleS * US_PER_S));
        return component.stddev * gaussian(this.seed, stream, sampleIndex);
      }
    }
  }
}

type OutOfRangeFault = Extract<Fault, { kind: 'out-of-range' }>;

/**
 * The physical world one simulated device sits in: the scenario's signals (defaults for what it leaves out),
 * with noise seeded per device, and its out-of-range faults applied.
 */
export class ScenarioEnvironment implements PhysicalEnvironment {
  private readonly temperature: SignalFunction;
  private readonly humidity: SignalFunction;
  private readonly pressure: SignalFunction;
  private readonly acceleration: SignalFunction[];
  private readonly angularRate: SignalFunction[];
  private readonly overrides: OutOfRangeFault[];

  constructor(scenario: Scenario, seed: number, deviceIndex: number) {
    const environment = { ...DEFAULT_ENVIRONMENT, ...scenario.environment };
    this.temperature = new SignalFunction(environment.temperatureC, seed, 'temperatureC');
    this.humidity = new SignalFunction(environment.relativeHumidityPct, seed, 'relativeHumidityPct');
    this.pressure = new SignalFunction(environment.pressurePa, seed, 'pressurePa');
    this.acceleration = (['x', 'y', 'z'] as const).map(
      (axis) => new SignalFunction(environment.accelerationMps2[axis], seed, `accelerationMps2.${axis}`),
    );
    this.angularRate = (['x', 'y', 'z'] as const).map(
      (axis) => new SignalFunction(environment.angularRateRadps[axis], seed, `angularRateRadps.${axis}`),
    );
    this.overrides = scenario.faults.filter(
      (fault): fault is OutOfRangeFault =>
        fault.kind === 'out-of-range' && (fault.devices === undefined || fault.devices.includes(deviceIndex)),
    );
  }

  temperatureC(timeUs: number): number {
    return this.override('temperatureC', timeUs) ?? this.temperature.at(timeUs);
  }

  relativeHumidityPct(timeUs: number): number {
    return this.override('relativeHumidityPct', timeUs) ?? this.humidity.at(timeUs);
  }

  pressurePa(timeUs: number): number {
    return this.override('pressurePa', timeUs) ?? this.pressure.at(timeUs);
  }

  accelerationMps2(timeUs: number): Vector3 {
    return vector(this.acceleration, timeUs);
  }

  angularRateRadps(timeUs: number): Vector3 {
    return vector(this.angularRate, timeUs);
  }

  private override(quantity: ScalarQuantity, timeUs: number): number | undefined {
    const timeS = timeUs / US_PER_S;
    for (const fault of this.overrides) {
      if (fault.quantity === quantity && timeS >= fault.fromS && timeS < fault.toS) return fault.value;
    }
    return undefined;
  }
}

function vector([x, y, z]: SignalFunction[], timeUs: number): Vector3 {
  return { x: x!.at(timeUs), y: y!.at(timeUs), z: z!.at(timeUs) };
}
