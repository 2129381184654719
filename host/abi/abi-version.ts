/** docs/hal-abi.md §1: `(major << 16) | minor`, 1.1. A runner takes an app of the same major version, any minor. */
export const HAL_ABI_VERSION = 0x0001_0001;

export function abiMajor(version: number): number {
  return version >>> 16;
}

export function formatAbiVersion(version: number): string {
  return `${version >>> 16}.${version & 0xffff}`;
}
