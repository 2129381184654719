/*
 * The clock gate of the firmware-in-the-loop board (docs/firmware.md, "Firmware in the loop"): a second serial line
 * (USART2, QEMU's second -serial) on which the host paces the device's sleeps, so that a command reaches the device
 * at a device time the host chooses, as the simulator delivers one, and a run ends where the simulator's does. It
 * is not the device link: nothing on it is a link frame, and a board on real hardware has none.
 *
 * The device writes, the host answers (integers little-endian):
 *
 *   'B'                           a boot has begun; the host answers 'b' before the device sends a frame on the link
 *   'S' now_us u64 deadline_us u64 the device would sleep from now_us until deadline_us (its clock, µs since boot);
 *                                 the host answers 'W' wake_us u64 frames u8: the device's clock moves to wake_us
 *                                 (now_us..deadline_us), and `frames` link frames the host wrote before the answer are
 *                                 let in before the device goes on
 *
 * A host that does not answer 'B' within a second has no gate: the device then sleeps as a board without one does.
 * A boot after a reset begins where the device's clock last stood as the host knows it (the last answer to 'S' or
 * the last PROXY_REQUEST): a REBOOT command is handled as the device wakes, before any device time passes.
 */
#ifndef WASMOTE_HAL_PROXY_GATE_H
#define WASMOTE_HAL_PROXY_GATE_H

#include <stdbool.h>
#include <stdint.h>

/* Says the boot has begun and learns whether the host keeps a gate. */
void gate_boot(void);

/* With a gate: asks the host how far to sleep and returns when its frames are in, true with the wake time set. */
bool gate_sleep(uint64_t now_us, uint64_t deadline_us, uint64_t *wake_us);

#endif
