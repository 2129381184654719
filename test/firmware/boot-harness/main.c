/*
 * The image of test/firmware/reset-record.test.ts: the firmware's start-up, board and HAL with this main() in
 * place of the runner. Each boot prints one line of what hal/boot.h says over the link's UART, as text:
 *
 *   boot <count> <cause> <fault kind> <fault pc> <fault status> <fault address> <nonce> <reset flags>
 *
 * (numbers in hex), then ends the way its boot count says, so one run on QEMU, one power cycle, goes through each
 * cause and each fault:
 *
 *   1 power-on      a system reset (SYSRESETREQ) the firmware does not mark
 *   2 reset         a long line, then board_reboot()
 *   3 reboot        a load from an address nothing answers: a bus fault
 *   4 reset, bus    a system reset again, so boot 5 shows the fault is reported once
 *   5 reset         an undefined instruction: a usage fault
 *   6 reset, usage  a jump into the system region, which is never executable: a memory management fault
 *   7 reset, memory an undefined instruction with interrupts masked, escalated to a hard fault
 *   8 reset, hard   a stack pointer below RAM, as an overflow leaves it, and a push: a bus fault, and another
 *                   stacking its frame
 *   9 reset, bus    `done`
 *
 * `at <name> <address>` lines give the addresses where the faults happen, for the test to compare.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../../firmware/boards/board.h"
#include "../../../firmware/hal/boot.h"
#include "../../../firmware/hal/stm32f4/cortex_m4.h"

/* RM0090 §2.3: reserved, after the AHB1 peripherals (USB OTG HS ends at 0x4007FFFF); QEMU maps nothing there. */
#define UNANSWERED_ADDRESS 0x40080000u
/* ARMv7-M ARM §B3.1: the system region from 0xE0000000 is Execute Never. */
#define EXECUTE_NEVER_ADDRESS 0xE0000000u
#define THUMB 1u
/* RM0090 §2.3: below SRAM1, reserved on the chip and unmapped in QEMU. */
#define BELOW_RAM 0x1FFFFF00u
#define LAST_LINE \
  "a line sent just before the reboot, which must reach the host whole: 0123456789abcdefghijklmnopqrstuvwxyz\n"
#define HEX_DIGITS 8
#define NIBBLE_BITS 4u

/* The instructions that fault, each at a global label so the line can name its address. */
__attribute__((naked, noinline)) static void load_unanswered(void) {
  __asm__ volatile(
      "ldr r0, =%c0\n"
      ".global bus_fault_at\n"
      "bus_fault_at: ldr r0, [r0]\n"
      "bx lr\n"
      ".ltorg\n" ::"i"(UNANSWERED_ADDRESS));
}

__attribute__((naked, noinline)) static void undefined_instruction(void) {
  __asm__ volatile(
      ".global usage_fault_at\n"
      "usage_fault_at: udf #0\n"
      "bx lr\n");
}

__attribute__((naked, noinline)) static void undefined_instruction_masked(void) {
  __asm__ volatile(
      "cpsid i\n"
      ".global hard_fault_at\n"
      "hard_fault_at: udf #1\n"
      "bx lr\n");
}

__attribute__((naked, noinline)) static void run_off_ram(void) {
  __asm__ volatile(
      "ldr r0, =%c0\n"
      "mov sp, r0\n"
      "push {r0}\n"
      "bx lr\n"
      ".ltorg\n" ::"i"(BELOW_RAM));
}

extern const char bus_fault_at[], usage_fault_at[], hard_fault_at[];

static void print(const char *text) {
  size_t length = 0;
  while (text[length] != '\0') length++;
  board_link_transmit(NULL, (const uint8_t *)text, length);
}

static void print_hex(uint32_t value) {
  static const char digits[] = "0123456789abcdef";
  char text[HEX_DIGITS + 2];
  text[0] = ' ';
  for (int i = 0; i < HEX_DIGITS; i++) {
    text[1 + i] = digits[(value >> (NIBBLE_BITS * (HEX_DIGITS - 1 - i))) & 0xFu];
  }
  text[HEX_DIGITS + 1] = '\0';
  print(text);
}

static void print_at(const char *name, const char *address) {
  print("at ");
  print(name);
  print_hex((uint32_t)(uintptr_t)address);
  print("\n");
}

int main(void) {
  board_init();
  boot_fault_t fault = boot_fault();
  print("boot");
  print_hex(boot_count());
  print_hex(boot_cause());
  print_hex(fault.kind);
  print_hex(fault.pc);
  print_hex(fault.status);
  print_hex(fault.address);
  print_hex(boot_nonce());
  print_hex(boot_reset_flags());
  print("\n");
  switch (boot_count()) {
    case 1:
      system_reset();
    case 2:
      print(LAST_LINE);
      board_reboot();
    case 3:
      print_at("bus", bus_fault_at);
      load_unanswered();
      break;
    case 4:
      system_reset();
    case 5:
      print_at("usage", usage_fault_at);
      undefined_instruction();
      break;
    case 6:
      print_at("memory", (const char *)(uintptr_t)EXECUTE_NEVER_ADDRESS);
      ((void (*)(void))(uintptr_t)(EXECUTE_NEVER_ADDRESS | THUMB))();
      break;
    case 7:
      print_at("hard", hard_fault_at);
      undefined_instruction_masked();
      break;
    case 8:
      run_off_ram();
      break;
    default:
      break;
  }
  print("done\n");
  for (;;) wait_for_interrupt();
}
