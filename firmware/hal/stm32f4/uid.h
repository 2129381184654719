/* The 96-bit unique device identifier (RM0090 §39.1; RM0383 §30.2), read-only in system memory. */
#ifndef WASMOTE_STM32F4_UID_H
#define WASMOTE_STM32F4_UID_H

#include <stdint.h>

#define UID_WORDS 3

void uid_read(uint32_t words[UID_WORDS]);

#endif
