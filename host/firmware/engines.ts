/**
 * The engines that run the app in the firmware (docs/firmware.md, "Engine"): `wasm2c` translates it to C ahead
 * of time and links it into the image; `interp` embeds the .wasm and runs it in the project's interpreter.
 */
export const ENGINES = ['wasm2c', 'interp'] as const;
export type Engine = (typeof ENGINES)[number];
export const DEFAULT_ENGINE: Engine = 'wasm2c';

/**
 * Where the interpreter's compiled code lives (docs/firmware.md, "Interpreter"): `flash`, written into the image by
 * the build's run of the image itself on QEMU and compared at every load; `ram`, compiled into RAM at every boot,
 * for a board QEMU has no machine for (its RAM then holds the code too).
 */
export const INTERP_CODE_HOMES = ['flash', 'ram'] as const;
export type InterpCodeHome = (typeof INTERP_CODE_HOMES)[number];
