/**
 * The engines that run the app in the firmware (docs/firmware.md, "Engine"): `wasm2c` translates it to C ahead
 * of time and links it into the image; `interp` embeds the .wasm and runs it in the project's interpreter.
 */
export const ENGINES = ['wasm2c', 'interp'] as const;
export type Engine = (typeof ENGINES)[number];
export const DEFAULT_ENGINE: Engine = 'wasm2c';
