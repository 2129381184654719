/*
 * The independent watchdog: the backstop when the firmware itself stops (interrupts masked, a fault loop), where
 * the time budget cannot act. hal/stm32f4/iwdg.c implements it.
 */
#ifndef WASMOTE_HAL_WATCHDOG_H
#define WASMOTE_HAL_WATCHDOG_H

#include <stdbool.h>

void watchdog_start(void);
void watchdog_refresh(void);
/* True once after boot when a watchdog caused the last reset (hal/boot.h: BOOT_WATCHDOG). */
bool watchdog_caused_reset(void);

#endif
