/* The 96-bit unique device identifier (RM0090 §39.1; RM0383 §30.2), read-only in system memory. */
#ifndef WASMOTE_STM32F4_UID_H
#define WASMOTE_STM32F4_UID_H

#include <stdint.h>

#include "../../link/bytes.h"

/* HELLO's device_id from the unique ID: `stm32-` and its 24 hex digits (30 bytes, within §4.1's 32). */
link_str_t uid_device_id(void);

/* env.seed from the unique ID: a 32-bit mix of it, so devices differ and each repeats itself. */
double uid_seed(void);

#endif
