#include "i2c.h"

#include "rcc.h"
#include "systick.h"

/* §27.6 registers. */
#define I2C_CR1(base) MMIO32((base) + 0x00u)
#define I2C_CR2(base) MMIO32((base) + 0x04u)
#define I2C_DR(base) MMIO32((base) + 0x10u)
#define I2C_SR1(base) MMIO32((base) + 0x14u)
#define I2C_SR2(base) MMIO32((base) + 0x18u)
#define I2C_CCR(base) MMIO32((base) + 0x1Cu)
#define I2C_TRISE(base) MMIO32((base) + 0x20u)
/* §27.6.1 */
#define CR1_PE (1u << 0)
#define CR1_START (1u << 8)
#define CR1_STOP (1u << 9)
#define CR1_ACK (1u << 10)
#define CR1_POS (1u << 11)
#define CR1_SWRST (1u << 15)
/* §27.6.6 */
#define SR1_SB (1u << 0)
#define SR1_ADDR (1u << 1)
#define SR1_BTF (1u << 2)
#define SR1_RXNE (1u << 6)
#define SR1_TXE (1u << 7)
#define SR1_BERR (1u << 8)
#define SR1_ARLO (1u << 9)
#define SR1_AF (1u << 10)
/* §27.6.7 */
#define SR2_BUSY (1u << 1)
/* §27.6.8: standard mode, SCL high and low each CCR periods of the peripheral clock. */
#define STANDARD_MODE_HZ 100000u
/* §27.6.9: in standard mode the maximum rise time is 1000 ns, TRISE = f(MHz) + 1. */
#define HZ_PER_MHZ 1000000u
/* A byte at 100 kHz takes 90 µs; a stretched clock or a stuck line is given a few of them. */
#define WAIT_LIMIT_US 2000u
/* I2C address byte: the 7-bit address then R/W (UM10204 §3.1.10). */
#define ADDRESS_READ 1u

static void configure(const i2c_bus_t *bus) {
  uint32_t base = bus->base;
  I2C_CR1(base) = CR1_SWRST;
  I2C_CR1(base) = 0;
  I2C_CR2(base) = bus->pclk1_hz / HZ_PER_MHZ;
  I2C_CCR(base) = bus->pclk1_hz / (2u * STANDARD_MODE_HZ);
  I2C_TRISE(base) = bus->pclk1_hz / HZ_PER_MHZ + 1u;
  I2C_CR1(base) = CR1_PE;
}

void i2c_init(const i2c_bus_t *bus) {
  gpio_enable_port(bus->scl.port);
  gpio_enable_port(bus->sda.port);
  gpio_configure_alternate(bus->scl, bus->alternate_function, 1);
  gpio_configure_alternate(bus->sda, bus->alternate_function, 1);
  RCC_APB1ENR |= RCC_APB1ENR_I2C1EN;
  configure(bus);
}

/* Waits for any of `flags` in SR1; a NACK, a bus error, a lost arbitration or the time limit end the wait. */
static hal_status_t wait_for(uint32_t base, uint32_t flags, hal_status_t on_nack) {
  uint64_t deadline = systick_now_us() + WAIT_LIMIT_US;
  for (;;) {
    uint32_t status = I2C_SR1(base);
    if (status & (SR1_BERR | SR1_ARLO)) return HAL_BUS_ERROR;
    if (status & SR1_AF) return on_nack;
    if (status & flags) return HAL_OK;
    if (systick_now_us() > deadline) return HAL_TIMEOUT;
  }
}

/* §27.3.3: reading SR1 then SR2 clears ADDR. */
static void clear_addr(uint32_t base) {
  (void)I2C_SR1(base);
  (void)I2C_SR2(base);
}

static hal_status_t start(uint32_t base, uint8_t address_byte) {
  I2C_CR1(base) |= CR1_START;
  hal_status_t status = wait_for(base, SR1_SB, HAL_BUS_ERROR);
  if (status != HAL_OK) return status;
  I2C_DR(base) = address_byte;
  return wait_for(base, SR1_ADDR, HAL_NACK_ADDRESS);
}

static hal_status_t write_phase(uint32_t base, uint8_t address, const uint8_t *bytes, size_t length) {
  hal_status_t status = start(base, (uint8_t)(address << 1));
  if (status != HAL_OK) return status;
  clear_addr(base);
  for (size_t i = 0; i < length; i++) {
    status = wait_for(base, SR1_TXE, HAL_NACK_DATA);
    if (status != HAL_OK) return status;
    I2C_DR(base) = bytes[i];
  }
  return wait_for(base, SR1_BTF, HAL_NACK_DATA);
}

/* §27.3.3, "Closing the communication": the ACK and STOP sequences for 1, 2 and more bytes. */
static hal_status_t read_phase(uint32_t base, uint8_t address, uint8_t *bytes, size_t length) {
  if (length == 2) I2C_CR1(base) |= CR1_POS | CR1_ACK;
  else I2C_CR1(base) |= CR1_ACK;
  hal_status_t status = start(base, (uint8_t)(address << 1 | ADDRESS_READ));
  if (status != HAL_OK) return status;
  if (length == 1) {
    I2C_CR1(base) &= ~CR1_ACK;
    clear_addr(base);
    I2C_CR1(base) |= CR1_STOP;
    status = wait_for(base, SR1_RXNE, HAL_BUS_ERROR);
    if (status == HAL_OK) bytes[0] = (uint8_t)I2C_DR(base);
    return status;
  }
  if (length == 2) {
    clear_addr(base);
    I2C_CR1(base) &= ~CR1_ACK;
    status = wait_for(base, SR1_BTF, HAL_BUS_ERROR);
    if (status != HAL_OK) return status;
    I2C_CR1(base) |= CR1_STOP;
    bytes[0] = (uint8_t)I2C_DR(base);
    bytes[1] = (uint8_t)I2C_DR(base);
    I2C_CR1(base) &= ~CR1_POS;
    return HAL_OK;
  }
  clear_addr(base);
  size_t at = 0;
  for (; at < length - 3; at++) {
    status = wait_for(base, SR1_RXNE, HAL_BUS_ERROR);
    if (status != HAL_OK) return status;
    bytes[at] = (uint8_t)I2C_DR(base);
  }
  /* Byte N-2 in DR, N-1 in the shift register: NACK the last one, then STOP. */
  status = wait_for(base, SR1_BTF, HAL_BUS_ERROR);
  if (status != HAL_OK) return status;
  I2C_CR1(base) &= ~CR1_ACK;
  bytes[at++] = (uint8_t)I2C_DR(base);
  status = wait_for(base, SR1_BTF, HAL_BUS_ERROR);
  if (status != HAL_OK) return status;
  I2C_CR1(base) |= CR1_STOP;
  bytes[at++] = (uint8_t)I2C_DR(base);
  status = wait_for(base, SR1_RXNE, HAL_BUS_ERROR);
  if (status == HAL_OK) bytes[at] = (uint8_t)I2C_DR(base);
  return status;
}

hal_status_t i2c_transfer(const i2c_bus_t *bus, uint8_t address, const uint8_t *write, size_t write_length,
                          uint8_t *read, size_t read_length) {
  uint32_t base = bus->base;
  /* A transaction a time budget cut short, or a glitch, can leave the peripheral busy: start afresh. */
  if (I2C_SR2(base) & SR2_BUSY) configure(bus);
  if (I2C_SR2(base) & SR2_BUSY) return HAL_BUS_ERROR;
  hal_status_t status = HAL_OK;
  if (write_length > 0) status = write_phase(base, address, write, write_length);
  if (status == HAL_OK && read_length > 0) status = read_phase(base, address, read, read_length);
  if (status != HAL_OK || read_length == 0) I2C_CR1(base) |= CR1_STOP;
  if (status == HAL_BUS_ERROR || status == HAL_TIMEOUT) configure(bus);
  /* A NACK leaves AF set (§27.6.6: cleared by software). */
  I2C_SR1(base) &= ~SR1_AF;
  return status;
}
