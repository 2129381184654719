/*
 * The runner (docs/hal-abi.md §2, §7): starts the app, ticks it when its delay has passed, delivers commands,
 * restarts it after a trap or a runaway with the simulator's back-off, and sleeps in between. Its device
 * behaviour is host/sim/sim-device.ts's, so a firmware and a simulated device send the same messages.
 */
#ifndef WASMOTE_RUNNER_RUNNER_H
#define WASMOTE_RUNNER_RUNNER_H

#include <stdbool.h>

/* Runs the app forever; `watchdog_reset` when the watchdog caused the boot. */
_Noreturn void runner_run(bool watchdog_reset);

#endif
