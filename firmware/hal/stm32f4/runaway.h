/*
 * The app's time budget (hal/budget.h; docs/firmware.md, "Runaway apps"). While a call into the app is armed,
 * the SysTick interrupt ends it once the deadline passes: it returns from the interrupt into runaway_escape()
 * instead of the app, which raises TRAP_TIME_BUDGET through the engine, so the runner regains control with the
 * firmware intact and reports a RUNAWAY event.
 */
#ifndef WASMOTE_STM32F4_RUNAWAY_H
#define WASMOTE_STM32F4_RUNAWAY_H

#include <stdint.h>

/*
 * For the SysTick interrupt, with real time (systick.h) now: `frame` is the interrupted code's exception frame,
 * `exc_return` its EXC_RETURN.
 */
void runaway_check(uint64_t now_us, uint32_t *frame, uint32_t exc_return);

#endif
