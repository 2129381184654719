/**
 * The programs the firmware build and run use, found on PATH, with the Debian package to install when one is
 * missing (the only package source the project installs from; .ci/run installs them).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const TOOLS = {
  wasm2c: 'wabt',
  gcc: 'gcc',
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi and libnewlib-arm-none-eabi',
  'arm-none-eabi-objcopy': 'binutils-arm-none-eabi',
  'arm-none-eabi-size': 'binutils-arm-none-eabi',
  'qemu-system-arm': 'qemu-system-arm',
} as const;
export type Tool = keyof typeof TOOLS;

/** A tool that is not installed, with what to install. */
export class MissingToolError extends Error {
  constructor(readonly tool: Tool) {
    super(`${tool} is not installed: apt-get install ${TOOLS[tool]}`);
    this.name = 'MissingToolError';
  }
}

/** A tool that ran and failed, with its output. */
export class ToolFailedError extends Error {
  constructor(
    readonly tool: string,
    readonly output: string,
  ) {
    super(`${tool} failed:\n${output.trim()}`);
    this.name = 'ToolFailedError';
  }
}

/** Runs `tool` and returns its stdout; throws MissingToolError or ToolFailedError (also when it outlives `timeoutMs`). */
export async function runTool(tool: Tool, args: string[], cwd?: string, timeoutMs?: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync(tool, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
    return stdout;
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean };
    if (failure.code === 'ENOENT') throw new MissingToolError(tool);
    if (failure.killed) throw new ToolFailedError(tool, `still running after ${timeoutMs} ms, stopped`);
    throw new ToolFailedError(tool, `${failure.stderr ?? ''}${failure.stdout ?? ''}` || failure.message);
  }
}
