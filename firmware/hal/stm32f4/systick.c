#include "systick.h"

#include "cortex_m4.h"
#include "runaway.h"

/* PM0214 §4.4.3 ICSR: the SysTick exception is pending. */
#define SCB_ICSR MMIO32(0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)
/* Time keeping preempts everything else (cortex_m4.h: 0 is the most urgent). */
#define SYSTICK_PRIORITY 0u
#define HZ_PER_MHZ 1000000u
#define MS_PER_S 1000u
#define US_PER_MS 1000u

static volatile uint64_t elapsed_ms;
/* The real time systick_now_us leaves out: the paused stretches that ended, and the start of the current one. */
static volatile uint64_t paused_us;
static volatile uint64_t pause_start_us;
static volatile bool paused;
static uint32_t cycles_per_ms;
static uint32_t cycles_per_us;

void systick_init(uint32_t core_hz) {
  cycles_per_ms = core_hz / MS_PER_S;
  cycles_per_us = core_hz / HZ_PER_MHZ;
  SCB_SHPR3 = (SCB_SHPR3 & ~(0xFFu << SCB_SHPR3_SYSTICK_SHIFT)) |
              (SYSTICK_PRIORITY << (SCB_SHPR3_SYSTICK_SHIFT + NVIC_PRIORITY_SHIFT));
  SYST_RVR = cycles_per_ms - 1;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_CLKSOURCE_PROCESSOR | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

static uint64_t uptime_us(void) {
  uint64_t ms;
  uint32_t counter;
  int wrapped;
  do {
    ms = elapsed_ms;
    counter = SYST_CVR;
    wrapped = (SCB_ICSR & SCB_ICSR_PENDSTSET) != 0;
  } while (ms != elapsed_ms);
  /*
   * With interrupts masked the counter can wrap before its interrupt runs; the pending flag says so, and a
   * counter still near the top says the wrap came before it was read.
   */
  if (wrapped && counter > cycles_per_ms / 2) ms++;
  uint32_t cycles = cycles_per_ms - 1 - counter;
  return ms * US_PER_MS + cycles / cycles_per_us;
}

uint64_t systick_uptime_ms(void) {
  uint64_t ms;
  /* Two loads: read again if the interrupt came between them. */
  do ms = elapsed_ms;
  while (ms != elapsed_ms);
  return ms;
}

uint64_t systick_now_us(void) {
  return (paused ? pause_start_us : uptime_us()) - paused_us;
}

void systick_wait(bool (*wake)(void)) {
  interrupts_disable();
  if (!wake()) wait_for_interrupt();
  interrupts_enable();
}

/* The interrupt reads paused_us only while not paused, so the order of these writes keeps it whole. */
void systick_pause(void) {
  pause_start_us = uptime_us();
  paused = true;
}

void systick_resume(void) {
  paused_us += uptime_us() - pause_start_us;
  paused = false;
}

/* Called by SysTick_Handler with the exception frame of the code it interrupted (startup.c). */
void systick_interrupt(uint32_t *frame, uint32_t exc_return) {
  elapsed_ms++;
  /* The budget's time stands still while paused, and the call it paused for is not cut short. */
  if (!paused) runaway_check(elapsed_ms * US_PER_MS - paused_us, frame, exc_return);
}
