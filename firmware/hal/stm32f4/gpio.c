#include "gpio.h"

#include "rcc.h"

#define TWO_BIT_MASK 0x3u
#define AFR_FIELD_BITS 4u
#define AFR_FIELD_MASK 0xFu
/* §8.4.7 BSRR: the low half sets, the high half resets. */
#define BSRR_RESET_SHIFT 16u

void gpio_enable_port(uint8_t port) {
  RCC_AHB1ENR |= RCC_AHB1ENR_GPIOEN(port);
}

static void set_field(volatile uint32_t *reg, uint32_t shift, uint32_t mask, uint32_t value) {
  *reg = (*reg & ~(mask << shift)) | (value << shift);
}

void gpio_configure(gpio_pin_t pin, gpio_moder_t mode, gpio_pull_t pull) {
  set_field(&GPIO_PUPDR(pin.port), 2u * pin.pin, TWO_BIT_MASK, pull);
  set_field(&GPIO_OSPEEDR(pin.port), 2u * pin.pin, TWO_BIT_MASK, GPIO_SPEED_FAST);
  set_field(&GPIO_MODER(pin.port), 2u * pin.pin, TWO_BIT_MASK, mode);
}

void gpio_configure_alternate(gpio_pin_t pin, uint8_t function, int open_drain) {
  set_field(&GPIO_AFR(pin.port, pin.pin), AFR_FIELD_BITS * (pin.pin % 8u), AFR_FIELD_MASK, function);
  set_field(&GPIO_OTYPER(pin.port), pin.pin, 1u, open_drain ? 1u : 0u);
  gpio_configure(pin, GPIO_MODE_ALTERNATE, open_drain ? GPIO_PULL_UP : GPIO_PULL_NONE);
}

void gpio_set(gpio_pin_t pin, int high) {
  GPIO_BSRR(pin.port) = 1u << (pin.pin + (high ? 0u : BSRR_RESET_SHIFT));
}

int gpio_get(gpio_pin_t pin) {
  return (GPIO_IDR(pin.port) >> pin.pin) & 1u;
}
