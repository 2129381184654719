/*
 * STM32F4DISCOVERY (user manual UM1472): an STM32F407VG with an 8 MHz crystal, four user LEDs on PD12..PD15, the
 * user button B1 on PA0, the audio DAC's I2C1 on PB6/PB9 for the sensors, and USART2 on PA2/PA3 to the ST-LINK.
 *
 * Logical pins (hal-abi.md §4.2): 0 green LED LD4 (PD12), 1 orange LD3 (PD13), 2 red LD5 (PD14), 3 button B1
 * (PA0). PWM channel 0 (§4.3) dims the blue LED LD6 (PD15, TIM4 channel 4).
 */
#include "../board.h"

#include "../../hal/boot.h"
#include "../../hal/stm32f4/pwm.h"
#include "../../hal/stm32f4/rcc.h"
#include "../../hal/stm32f4/realtime/board_io.h"
#include "../../hal/stm32f4/systick.h"
#include "../../hal/stm32f4/usart.h"
#include "../../hal/watchdog.h"
#include "../../link/inbox.h"
#include "../../link/messages.h"

/* 8 MHz / 8 * 336 / 2 = 168 MHz, 48 MHz for USB with Q = 7 (RM0090 §7.3.2); 5 wait states (§3.5.1, Table 10). */
static const rcc_pll_config_t PLL = {
    .m = 8, .n = 336, .p = 2, .q = 7, .flash_wait_states = 5,
    .apb1_divider_bits = RCC_CFGR_PPRE_DIV4, .apb2_divider_bits = RCC_CFGR_PPRE_DIV2,
};
#define PLL_CORE_HZ 168000000u
/* §7.2: APB1 at most 42 MHz; its timers run at twice a divided APB1. */
#define PLL_APB1_HZ (PLL_CORE_HZ / 4)
/* After reset, and if the crystal never starts: the 16 MHz HSI, buses undivided (§7.2.2). */
#define HSI_HZ 16000000u

#define LINK_BAUD 115200u
/* Datasheet DS8626 Table 9, alternate functions: USART2 AF7, I2C1 AF4, TIM4 AF2. */
#define USART2_AF 7u
#define I2C1_AF 4u
#define TIM4_AF 2u

static const gpio_pin_t LINK_TX = {GPIO_PORT_A, 2};
static const gpio_pin_t LINK_RX = {GPIO_PORT_A, 3};

static const logical_pin_t PINS[] = {
    {{GPIO_PORT_D, 12}, 0},
    {{GPIO_PORT_D, 13}, 0},
    {{GPIO_PORT_D, 14}, 0},
    {{GPIO_PORT_A, 0}, 0},
};
static uint8_t pin_modes[sizeof PINS / sizeof PINS[0]];
const pin_map_t board_pin_map = {PINS, pin_modes, sizeof PINS / sizeof PINS[0]};

i2c_bus_t board_i2c_bus = {.base = I2C1_BASE, .scl = {GPIO_PORT_B, 6}, .sda = {GPIO_PORT_B, 9}, .alternate_function = I2C1_AF};
static pwm_output_t dimmer = {
    .timer_base = TIM4_BASE, .rcc_enable = RCC_APB1ENR_TIM4EN, .channel = 4,
    .pin = {GPIO_PORT_D, 15}, .alternate_function = TIM4_AF,
};

void board_init(void) {
  int on_pll = rcc_use_pll(&PLL);
  uint32_t core_hz = on_pll ? PLL_CORE_HZ : HSI_HZ;
  uint32_t apb1_hz = on_pll ? PLL_APB1_HZ : HSI_HZ;
  systick_init(core_hz);
  watchdog_start();
  gpio_enable_port(GPIO_PORT_A);
  gpio_configure_alternate(LINK_TX, USART2_AF, 0);
  gpio_configure_alternate(LINK_RX, USART2_AF, 0);
  RCC_APB1ENR |= RCC_APB1ENR_USART2EN;
  usart_init(USART2_BASE, USART2_IRQ, apb1_hz, LINK_BAUD);
  board_i2c_bus.pclk1_hz = apb1_hz;
  i2c_init(&board_i2c_bus);
  dimmer.timer_clock_hz = on_pll ? 2 * apb1_hz : apb1_hz;
  pwm_init(&dimmer);
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

/* The dimmer's duty as last set: HEARTBEAT's brightness_u16. */
static uint16_t dimmer_duty;

hal_status_t board_pwm_set(uint32_t channel, uint16_t duty) {
  if (channel != 0) return HAL_UNSUPPORTED;
  pwm_set(&dimmer, duty);
  dimmer_duty = duty;
  return HAL_OK;
}

uint16_t board_pwm_duty(uint32_t channel) {
  return channel == 0 ? dimmer_duty : 0;
}

uint16_t board_capabilities(void) {
  return LINK_CAPABILITY_REBOOT;
}
