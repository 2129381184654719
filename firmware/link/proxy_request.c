/*
 * PROXY_REQUEST, type 0x10, device → host (docs/link-protocol.md §4.9): a peripheral call of the
 * firmware-in-the-loop board, its arguments already checked by the HAL (hal-abi.md §4).
 */
#include "messages.h"

/* A 7-bit I2C address (UM10204 §3.1.10). */
#define I2C_ADDRESS_MAX 0x7F
/* hal-abi.md §4.1: every length is 1..255. */
#define I2C_LENGTH_MIN 1
#define I2C_LENGTH_MAX 255
/* hal-abi.md §4.2: modes 0 input .. 3 input with pull-down; levels 0 low, 1 high. */
#define GPIO_MODE_MAX 3
#define GPIO_LEVEL_MAX 1

static bool address_valid(uint8_t address) {
  return address <= I2C_ADDRESS_MAX;
}

static bool i2c_length_valid(size_t length) {
  return length >= I2C_LENGTH_MIN && length <= I2C_LENGTH_MAX;
}

/* The op's arguments within §4.9's ranges, as the decoder checks them. */
static bool arguments_valid(const link_proxy_request_t *message) {
  switch (message->op) {
    case LINK_PROXY_I2C_WRITE:
      return address_valid(message->target) && i2c_length_valid(message->data_length);
    case LINK_PROXY_I2C_READ:
      return address_valid(message->target) && i2c_length_valid(message->read_length);
    case LINK_PROXY_I2C_WRITE_READ:
      return address_valid(message->target) && i2c_length_valid(message->read_length) &&
             i2c_length_valid(message->data_length);
    case LINK_PROXY_GPIO_MODE:
      return message->value <= GPIO_MODE_MAX;
    case LINK_PROXY_GPIO_WRITE:
      return message->value <= GPIO_LEVEL_MAX;
    case LINK_PROXY_GPIO_READ:
    case LINK_PROXY_PWM_SET:
      return true;
  }
  return false;
}

bool link_encode_proxy_request(link_writer_t *writer, const link_proxy_request_t *message) {
  if (!arguments_valid(message)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u16(writer, message->request_id);
  link_put_u64(writer, message->time_us);
  link_put_u8(writer, (uint8_t)message->op);
  link_put_u8(writer, message->target);
  switch (message->op) {
    case LINK_PROXY_I2C_WRITE:
      link_put_bytes(writer, message->data, message->data_length);
      break;
    case LINK_PROXY_I2C_READ:
      link_put_u8(writer, message->read_length);
      break;
    case LINK_PROXY_I2C_WRITE_READ:
      link_put_u8(writer, message->read_length);
      link_put_bytes(writer, message->data, message->data_length);
      break;
    case LINK_PROXY_GPIO_MODE:
    case LINK_PROXY_GPIO_WRITE:
      link_put_u8(writer, message->value);
      break;
    case LINK_PROXY_GPIO_READ:
      break;
    case LINK_PROXY_PWM_SET:
      link_put_u16(writer, message->duty);
      break;
  }
  return !writer->overflow;
}

static void get_data(link_reader_t *reader, link_proxy_request_t *message) {
  size_t length;
  message->data = link_get_rest(reader, "data", I2C_LENGTH_MIN, I2C_LENGTH_MAX, &length);
  message->data_length = (uint8_t)length;
}

bool link_decode_proxy_request(link_reader_t *reader, link_proxy_request_t *message) {
  message->request_id = link_get_u16(reader, "request_id");
  message->time_us = link_get_u64(reader, "time_us");
  message->op = (link_proxy_op_t)link_get_u8(reader, "op");
  switch (message->op) {
    case LINK_PROXY_I2C_WRITE:
      message->target = link_get_u8_within(reader, "addr", 0, I2C_ADDRESS_MAX);
      get_data(reader, message);
      break;
    case LINK_PROXY_I2C_READ:
      message->target = link_get_u8_within(reader, "addr", 0, I2C_ADDRESS_MAX);
      message->read_length = link_get_u8_within(reader, "read_len", I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      break;
    case LINK_PROXY_I2C_WRITE_READ:
      message->target = link_get_u8_within(reader, "addr", 0, I2C_ADDRESS_MAX);
      message->read_length = link_get_u8_within(reader, "read_len", I2C_LENGTH_MIN, I2C_LENGTH_MAX);
      get_data(reader, message);
      break;
    case LINK_PROXY_GPIO_MODE:
      message->target = link_get_u8(reader, "pin");
      message->value = link_get_u8_within(reader, "mode", 0, GPIO_MODE_MAX);
      break;
    case LINK_PROXY_GPIO_WRITE:
      message->target = link_get_u8(reader, "pin");
      message->value = link_get_u8_within(reader, "level", 0, GPIO_LEVEL_MAX);
      break;
    case LINK_PROXY_GPIO_READ:
      message->target = link_get_u8(reader, "pin");
      break;
    case LINK_PROXY_PWM_SET:
      message->target = link_get_u8(reader, "channel");
      message->duty = link_get_u16(reader, "duty");
      break;
    default:
      link_reader_fail(reader, "op");
  }
  return link_reader_end(reader);
}
