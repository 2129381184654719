/* General-purpose I/O (RM0090 §8.4; RM0383 §8.4). Pins are named by port (0 = A) and number. */
#ifndef WASMOTE_STM32F4_GPIO_H
#define WASMOTE_STM32F4_GPIO_H

#include <stdint.h>

#include "mmio.h"

#define GPIO_PORT_A 0u
#define GPIO_PORT_B 1u
#define GPIO_PORT_C 2u
#define GPIO_PORT_D 3u

/* §2.3 memory map: GPIOA at 0x40020000, one port every 0x400 bytes. */
#define GPIO_BASE(port) (0x40020000u + 0x400u * (port))
#define GPIO_MODER(port) MMIO32(GPIO_BASE(port) + 0x00u)
#define GPIO_OTYPER(port) MMIO32(GPIO_BASE(port) + 0x04u)
#define GPIO_OSPEEDR(port) MMIO32(GPIO_BASE(port) + 0x08u)
#define GPIO_PUPDR(port) MMIO32(GPIO_BASE(port) + 0x0Cu)
#define GPIO_IDR(port) MMIO32(GPIO_BASE(port) + 0x10u)
#define GPIO_BSRR(port) MMIO32(GPIO_BASE(port) + 0x18u)
#define GPIO_AFR(port, pin) MMIO32(GPIO_BASE(port) + 0x20u + 4u * ((pin) / 8u))

/* §8.4.1 MODER: two bits per pin. */
typedef enum { GPIO_MODE_INPUT = 0, GPIO_MODE_OUTPUT = 1, GPIO_MODE_ALTERNATE = 2 } gpio_moder_t;
/* §8.4.4 PUPDR: two bits per pin. */
typedef enum { GPIO_PULL_NONE = 0, GPIO_PULL_UP = 1, GPIO_PULL_DOWN = 2 } gpio_pull_t;
/* §8.4.3 OSPEEDR: 2 = fast, enough for 400 kHz I2C and a 1 kHz PWM. */
#define GPIO_SPEED_FAST 2u

typedef struct {
  uint8_t port;
  uint8_t pin;
} gpio_pin_t;

/* Enables the port's clock (RM0090 §7.3.10 AHB1ENR). */
void gpio_enable_port(uint8_t port);
void gpio_configure(gpio_pin_t pin, gpio_moder_t mode, gpio_pull_t pull);
/* An alternate function (§8.4.9, §8.4.10 AFRL/AFRH; the function numbers are in the datasheet's Table 9). */
void gpio_configure_alternate(gpio_pin_t pin, uint8_t function, int open_drain);
void gpio_set(gpio_pin_t pin, int high);
int gpio_get(gpio_pin_t pin);

#endif
