/*
 * Arm semihosting (Arm, "Semihosting for AArch32 and AArch64": on M-profile a call is `BKPT 0xAB`, the operation
 * in r0): the image's calls to the debugger or emulator it runs under. Only the build uses them, on QEMU
 * with semihosting enabled (host/firmware/code-section.ts); on a board with no debugger attached a call faults.
 */
#ifndef WASMOTE_STM32F4_SEMIHOSTING_H
#define WASMOTE_STM32F4_SEMIHOSTING_H

#include <stdbool.h>
#include <stdint.h>

/* SYS_OPEN for writing bytes ("wb"): a handle, or -1. The name is relative to the emulator's folder. */
int32_t semihosting_create(const char *name);
/* SYS_WRITE: whether every byte was written. */
bool semihosting_write(int32_t handle, const void *bytes, uint32_t length);
void semihosting_close(int32_t handle);
/* SYS_EXIT: ends the emulator's run, with success or not. */
_Noreturn void semihosting_exit(bool success);

#endif
