/*
 * The runner (docs/link-protocol.md §7, docs/hal-abi.md §2, §7): starts the app and announces it, ticks it, runs
 * the loop of §7.2 (QUEUE_FULL answers, heartbeats, restarts after the back-off, one command, a tick), answers
 * commands through the result store and its own opcodes, restarts the app after a trap or a runaway with the
 * simulator's back-off, and sleeps in between. Its device behaviour is host/sim/sim-device.ts's, so a firmware
 * and a simulated device send the same messages.
 */
#ifndef WASMOTE_RUNNER_RUNNER_H
#define WASMOTE_RUNNER_RUNNER_H

/* Runs the app for ever; the board and the link are up. */
_Noreturn void runner_run(void);

#endif
