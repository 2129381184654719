/*
 * The time budget of a call into the app (docs/firmware.md, "Runaway apps"): armed while the app runs, it ends
 * the call with TRAP_TIME_BUDGET once `budget_us` of real time have passed, whatever the device's clock says.
 * hal/stm32f4/runaway.c implements it.
 */
#ifndef WASMOTE_HAL_BUDGET_H
#define WASMOTE_HAL_BUDGET_H

#include <stdint.h>

void budget_arm(uint32_t budget_us);
void budget_disarm(void);

#endif
