#include "runaway.h"

#include <stdbool.h>

#include "../../engine/engine.h"
#include "../budget.h"
#include "systick.h"
#include "../../link/device.h"

/* ARMv7-M ARM §B1.5.6: the basic exception frame, in words. */
#define FRAME_PC 6
#define FRAME_XPSR 7
/* §B1.4.2: xPSR.T, the Thumb state, must be set; bit 9 records the stack realignment and must be kept. */
#define XPSR_THUMB (1u << 24)
#define XPSR_STACK_REALIGNED (1u << 9)
/* §B1.5.8 EXC_RETURN: returning to Thread mode on the main stack, with or without an FPU frame. */
#define EXC_RETURN_MODE_MASK 0xFu
#define EXC_RETURN_THREAD_MSP 0x9u

static volatile bool armed;
static volatile uint64_t deadline;

void budget_arm(uint32_t budget_us) {
  deadline = systick_now_us() + budget_us;
  armed = true;
}

void budget_disarm(void) {
  armed = false;
}

__attribute__((noreturn)) static void runaway_escape(void) {
  trap_t trap;
  trap_set(&trap, TRAP_TIME_BUDGET, "time budget");
  engine_raise(&trap);
}

void runaway_check(uint64_t now_us, uint32_t *frame, uint32_t exc_return) {
  /*
   * Only the app's own thread is redirected, never another interrupt handler, and never in the middle of a
   * frame going out; the next millisecond tries again.
   */
  if (!armed || now_us < deadline || link_device_transmitting) return;
  if ((exc_return & EXC_RETURN_MODE_MASK) != EXC_RETURN_THREAD_MSP) return;
  armed = false;
  /* §B1.5.8: a stacked return address has bit 0 clear; the Thumb state is xPSR.T's. */
  frame[FRAME_PC] = (uint32_t)(uintptr_t)runaway_escape & ~1u;
  /* Clearing the IT/ICI bits abandons an interrupted IT block or LDM/STM, which runaway_escape does not resume. */
  frame[FRAME_XPSR] = (frame[FRAME_XPSR] & XPSR_STACK_REALIGNED) | XPSR_THUMB;
}
