/* hal/watchdog.h on the independent watchdog (RM0090 §21; RM0383 §15), clocked by the ~32 kHz LSI. */
#include "../watchdog.h"

#include "../boot.h"
#include "mmio.h"

/* §21.4 */
#define IWDG_KR MMIO32(0x40003000u)
#define IWDG_PR MMIO32(0x40003004u)
#define IWDG_RLR MMIO32(0x40003008u)
#define IWDG_KR_START 0xCCCCu
#define IWDG_KR_REFRESH 0xAAAAu
#define IWDG_KR_UNLOCK 0x5555u
/* §21.4.2: prescaler 4 divides by 64, so one count is 2 ms at 32 kHz; 2000 counts are about 4 s, longer than
 * any call's time budget, so the budget acts first when it can. */
#define IWDG_PR_DIV64 4u
#define IWDG_RELOAD 2000u

void watchdog_start(void) {
  IWDG_KR = IWDG_KR_START;
  IWDG_KR = IWDG_KR_UNLOCK;
  IWDG_PR = IWDG_PR_DIV64;
  IWDG_RLR = IWDG_RELOAD;
  IWDG_KR = IWDG_KR_REFRESH;
}

void watchdog_refresh(void) {
  IWDG_KR = IWDG_KR_REFRESH;
}

bool watchdog_caused_reset(void) {
  /* boot.c read the reset flags, and cleared them, before main(). */
  static bool asked;
  bool caused = !asked && boot_cause() == BOOT_WATCHDOG;
  asked = true;
  return caused;
}
