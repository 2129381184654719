#include "usart.h"

#include "cortex_m4.h"

/* The link's receive interrupt preempts the app but not SysTick's time keeping (cortex_m4.h: lower = first). */
#define USART_IRQ_PRIORITY 2u
/* A poll of SR takes a few cycles on the bus, at most 168 MHz: 400 000 of them last some 10 ms at the least. */
#define USART_DRAIN_POLLS 400000u

void usart_init(uint32_t base, uint32_t irq, uint32_t pclk_hz, uint32_t baud) {
  /* §30.3.4: with 16x oversampling BRR is USARTDIV in 12.4 fixed point, pclk / baud rounded. */
  USART_BRR(base) = (pclk_hz + baud / 2) / baud;
  USART_CR1(base) = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE | USART_CR1_RXNEIE;
  nvic_enable(irq, USART_IRQ_PRIORITY);
}

void usart_write(uint32_t base, const uint8_t *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) {
    while ((USART_SR(base) & USART_SR_TXE) == 0) {
    }
    USART_DR(base) = bytes[i];
  }
}

void usart_drain(uint32_t base) {
  /*
   * usart_write's read of SR then write of DR cleared TC (§30.3.2); it is set once the frame is out. A USART that
   * is off never sets it: the count bounds the wait, a byte at 115200 baud being 87 µs.
   */
  for (uint32_t polls = 0; polls < USART_DRAIN_POLLS; polls++) {
    if ((USART_SR(base) & (USART_SR_TXE | USART_SR_TC)) == (USART_SR_TXE | USART_SR_TC)) return;
  }
}

int usart_read_received(uint32_t base) {
  if ((USART_SR(base) & (USART_SR_RXNE | USART_SR_ORE)) == 0) return -1;
  return (int)(USART_DR(base) & 0xFFu);
}
