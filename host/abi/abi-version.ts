/** docs/hal-abi.md §1: `(major << 16) | minor`. */
export const HAL_ABI_VERSION = 0x0001_0000;

export function abiMajor(version: number): number {
  return version >>> 16;
}

export function formatAbiVersion(version: number): string {
  return `${version >>> 16}.${version & 0xffff}`;
}
