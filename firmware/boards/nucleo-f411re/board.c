/*
 * NUCLEO-F411RE (user manual UM1724): an STM32F411RE clocked from the ST-LINK's 8 MHz MCO (HSE bypass, §6.7.1),
 * user LED LD2 on PA5, user button B1 on PC13 (low when pressed), I2C1 on the Arduino header's PB8/PB9, USART2
 * on PA2/PA3 to the ST-LINK.
 *
 * Logical pins (hal-abi.md §4.2): 0 LED LD2 (PA5), 1 button B1 (PC13). The board has no dimmable LED: PWM
 * channel 0 is UNSUPPORTED (§4.3).
 */
#include "../board.h"

#include "../../hal/boot.h"
#include "../../hal/stm32f4/rcc.h"
#include "../../hal/stm32f4/realtime/board_io.h"
#include "../../hal/stm32f4/systick.h"
#include "../../hal/stm32f4/usart.h"
#include "../../hal/watchdog.h"
#include "../../link/inbox.h"
#include "../../link/messages.h"

/* 8 MHz / 8 * 400 / 4 = 100 MHz, the F411's maximum (RM0383 §6.3.2); 3 wait states (§3.4.1, Table 6). */
static const rcc_pll_config_t PLL = {
    .m = 8, .n = 400, .p = 4, .q = 8, .flash_wait_states = 3,
    .apb1_divider_bits = RCC_CFGR_PPRE_DIV2, .apb2_divider_bits = RCC_CFGR_PPRE_DIV1,
    .hse_bypass = 1,
};
#define PLL_CORE_HZ 100000000u
/* RM0383 §6.2: APB1 at most 50 MHz. */
#define PLL_APB1_HZ (PLL_CORE_HZ / 2)
/* After reset, and if the ST-LINK gives no clock: the 16 MHz HSI, buses undivided (§6.2.2). */
#define HSI_HZ 16000000u

#define LINK_BAUD 115200u
/* Datasheet DS10314 Table 9, alternate functions: USART2 AF7, I2C1 AF4. */
#define USART2_AF 7u
#define I2C1_AF 4u

static const gpio_pin_t LINK_TX = {GPIO_PORT_A, 2};
static const gpio_pin_t LINK_RX = {GPIO_PORT_A, 3};

static const logical_pin_t PINS[] = {
    {{GPIO_PORT_A, 5}, 0},
    {{GPIO_PORT_C, 13}, 0},
};
static uint8_t pin_modes[sizeof PINS / sizeof PINS[0]];
const pin_map_t board_pin_map = {PINS, pin_modes, sizeof PINS / sizeof PINS[0]};

i2c_bus_t board_i2c_bus = {.base = I2C1_BASE, .scl = {GPIO_PORT_B, 8}, .sda = {GPIO_PORT_B, 9}, .alternate_function = I2C1_AF};

void board_init(void) {
  int on_pll = rcc_use_pll(&PLL);
  uint32_t apb1_hz = on_pll ? PLL_APB1_HZ : HSI_HZ;
  systick_init(on_pll ? PLL_CORE_HZ : HSI_HZ);
  watchdog_start();
  gpio_enable_port(GPIO_PORT_A);
  gpio_configure_alternate(LINK_TX, USART2_AF, 0);
  gpio_configure_alternate(LINK_RX, USART2_AF, 0);
  RCC_APB1ENR |= RCC_APB1ENR_USART2EN;
  usart_init(USART2_BASE, USART2_IRQ, apb1_hz, LINK_BAUD);
  board_i2c_bus.pclk1_hz = apb1_hz;
  i2c_init(&board_i2c_bus);
}

void board_link_transmit(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  usart_write(USART2_BASE, bytes, length);
}

void board_reboot(void) {
  usart_drain(USART2_BASE);
  boot_reboot();
}

void USART2_IRQHandler(void) {
  int byte = usart_read_received(USART2_BASE);
  if (byte >= 0) inbox_receive((uint8_t)byte);
}

hal_status_t board_pwm_set(uint32_t channel, uint16_t duty) {
  (void)channel;
  (void)duty;
  return HAL_UNSUPPORTED;
}

uint16_t board_pwm_duty(uint32_t channel) {
  (void)channel;
  return 0;
}

uint16_t board_capabilities(void) {
  return LINK_CAPABILITY_REBOOT;
}
