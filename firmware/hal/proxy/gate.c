#include "gate.h"

#include <string.h>

#include "../../link/inbox.h"
#include "../stm32f4/systick.h"
#include "../stm32f4/usart.h"

#define GATE_BASE USART2_BASE
/*
 * Real time the device waits for the answer to 'B', and for the frames an answer announced, before it gives up on
 * them. The answer to 'S' it waits for as long as it takes: the host holds the device's clock, and holds it still
 * at the end of a run.
 */
#define ANSWER_TIMEOUT_US 1000000u
#define TIME_BYTES 8u

static bool open_gate;

static void put(const uint8_t *bytes, size_t length) {
  usart_write(GATE_BASE, bytes, length);
}

/* The next byte from the host, or -1 after ANSWER_TIMEOUT_US unless `patient`. */
static int take(bool patient) {
  uint64_t deadline_us = systick_now_us() + ANSWER_TIMEOUT_US;
  for (;;) {
    int byte = usart_read_received(GATE_BASE);
    if (byte >= 0 || (!patient && systick_now_us() >= deadline_us)) return byte;
  }
}

/* Segments the link's receiver has seen this boot, accepted or dropped. */
static uint32_t segments(void) {
  link_rx_counts_t counts = inbox_rx_counts();
  uint32_t total = 0;
  for (uint32_t i = 0; i < LINK_OUTCOMES; i++) total += counts.count[i];
  return total;
}

static void put_request(uint8_t kind, uint64_t first, uint64_t second, size_t times) {
  uint8_t request[1 + 2 * TIME_BYTES] = {kind};
  memcpy(request + 1, &first, TIME_BYTES);
  memcpy(request + 1 + TIME_BYTES, &second, TIME_BYTES);
  put(request, 1 + times * TIME_BYTES);
}

void gate_boot(void) {
  /* RM0090 §30.6.4: on, sending and receiving, no interrupt: the gate is polled. */
  USART_CR1(GATE_BASE) = USART_CR1_UE | USART_CR1_TE | USART_CR1_RE;
  put_request('B', 0, 0, 0);
  open_gate = take(false) == 'b';
}

bool gate_sleep(uint64_t now_us, uint64_t deadline_us, uint64_t *wake_us) {
  if (!open_gate) return false;
  uint32_t before = segments();
  put_request('S', now_us, deadline_us, 2);
  uint8_t answer[1 + TIME_BYTES + 1];
  for (uint32_t i = 0; i < sizeof answer; i++) answer[i] = (uint8_t)take(true);
  uint64_t wake;
  memcpy(&wake, answer + 1, TIME_BYTES);
  *wake_us = wake < now_us ? now_us : wake > deadline_us ? deadline_us : wake;
  uint64_t give_up_us = systick_now_us() + ANSWER_TIMEOUT_US;
  while (segments() - before < answer[1 + TIME_BYTES] && systick_now_us() < give_up_us) {
  }
  return true;
}
