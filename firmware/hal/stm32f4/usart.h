/* USART as the device link's serial line, 8N1 (RM0090 §30.6; RM0383 §19.6). */
#ifndef WASMOTE_STM32F4_USART_H
#define WASMOTE_STM32F4_USART_H

#include <stddef.h>
#include <stdint.h>

#include "mmio.h"

/* §2.3 memory map. */
#define USART1_BASE 0x40011000u
#define USART2_BASE 0x40004400u
/* RM0090 Table 61 vector table positions. */
#define USART1_IRQ 37u
#define USART2_IRQ 38u

#define USART_SR(base) MMIO32((base) + 0x00u)
#define USART_DR(base) MMIO32((base) + 0x04u)
#define USART_BRR(base) MMIO32((base) + 0x08u)
#define USART_CR1(base) MMIO32((base) + 0x0Cu)
/* §30.6.1 */
#define USART_SR_ORE (1u << 3)
#define USART_SR_RXNE (1u << 5)
#define USART_SR_TC (1u << 6)
#define USART_SR_TXE (1u << 7)
/* §30.6.4 */
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_UE (1u << 13)

/* Enables transmit, receive and the receive interrupt at `baud` from a peripheral clock of `pclk_hz`. */
void usart_init(uint32_t base, uint32_t irq, uint32_t pclk_hz, uint32_t baud);
void usart_write(uint32_t base, const uint8_t *bytes, size_t length);
/* Waits until the last byte written has left the shift register (§30.6.1 TC), for at most about 10 ms. */
void usart_drain(uint32_t base);
/*
 * For the USART's interrupt handler: reads the byte that arrived (which also clears an overrun, §30.6.1) and
 * returns it, or -1 when nothing did.
 */
int usart_read_received(uint32_t base);

#endif
