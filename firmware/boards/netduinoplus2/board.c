/*
 * Netduino Plus 2 as QEMU's netduinoplus2 machine models it (hw/arm/stm32f405_soc.c): the core runs at a fixed
 * 168 MHz and the RCC, GPIO and I2C blocks are unimplemented, so this board leaves the clock tree alone, talks
 * over USART1 (QEMU's first -serial), tunnels I2C, GPIO and PWM to the host's virtual chips and counts device
 * time as the simulator does (docs/firmware.md, "Firmware in the loop"). It has no watchdog to start: QEMU
 * does not model the IWDG.
 */
#include "../board.h"

#include <string.h>

#include "../../hal/boot.h"
#include "../../hal/proxy/proxy.h"
#include "../../hal/stm32f4/gpio.h"
#include "../../hal/stm32f4/rcc.h"
#include "../../hal/stm32f4/systick.h"
#include "../../hal/stm32f4/usart.h"
#include "../../link/inbox.h"
#include "../../link/messages.h"

/* hw/arm/netduinoplus2.c: SYSCLK_FRQ. APB2 runs at half of it on the real board (RM0090 §7.2: at most 84 MHz). */
#define CORE_HZ 168000000u
#define APB2_HZ (CORE_HZ / 2)
#define LINK_BAUD 115200u
/* Datasheet DS8626 Table 9: USART1 on PA9 (TX) and PA10 (RX) is alternate function 7. */
#define USART1_AF 7u
static const gpio_pin_t LINK_TX = {GPIO_PORT_A, 9};
static const gpio_pin_t LINK_RX = {GPIO_PORT_A, 10};

/* `wasmote firmware build` sets the identity of an emulated device, which has no unique ID to read. */
#ifndef FIRMWARE_DEVICE_ID
#error "FIRMWARE_DEVICE_ID must be defined by the build"
#endif
#ifndef FIRMWARE_SEED
#error "FIRMWARE_SEED must be defined by the build"
#endif

void board_init(void) {
  systick_init(CORE_HZ);
  gpio_enable_port(GPIO_PORT_A);
  gpio_configure_alternate(LINK_TX, USART1_AF, 0);
  gpio_configure_alternate(LINK_RX, USART1_AF, 0);
  RCC_APB2ENR |= RCC_APB2ENR_USART1EN;
  usart_init(USART1_BASE, USART1_IRQ, APB2_HZ, LINK_BAUD);
}

link_str_t board_device_id(void) {
  static const char id[] = FIRMWARE_DEVICE_ID;
  return (link_str_t){id, sizeof id - 1};
}

double board_seed(void) {
  return FIRMWARE_SEED;
}

void board_link_transmit(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  usart_write(USART1_BASE, bytes, length);
}

void board_reboot(void) {
  usart_drain(USART1_BASE);
  boot_reboot();
}

void USART1_IRQHandler(void) {
  int byte = usart_read_received(USART1_BASE);
  if (byte >= 0) inbox_receive((uint8_t)byte);
}

hal_status_t board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length) {
  return proxy_i2c_transfer(address, write, write_length, read, read_length);
}

hal_status_t board_gpio_mode(uint32_t pin, uint8_t mode) {
  return proxy_gpio_mode(pin, mode);
}

hal_status_t board_gpio_write(uint32_t pin, uint8_t level) {
  return proxy_gpio_write(pin, level);
}

hal_status_t board_gpio_read(uint32_t pin, uint8_t *level) {
  return proxy_gpio_read(pin, level);
}

hal_status_t board_pwm_set(uint32_t channel, uint16_t duty) {
  return proxy_pwm_set(channel, duty);
}

bool board_gpio_output_level(uint32_t pin, uint8_t *level) {
  return proxy_gpio_output_level(pin, level);
}

uint16_t board_pwm_duty(uint32_t channel) {
  return proxy_pwm_duty(channel);
}

uint16_t board_capabilities(void) {
  return LINK_CAPABILITY_REBOOT | LINK_CAPABILITY_PROXY;
}
