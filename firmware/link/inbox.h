/*
 * The device's receiving half of the link: bytes from the UART's interrupt go through the decoder, and what the
 * device receives (docs/link-protocol.md §1) is kept for the main loop: COMMANDs in a short queue, the
 * PROXY_RESPONSE a tunnelled peripheral call waits for in a slot of its own. Frames of other types, and
 * dropped segments, go no further.
 */
#ifndef WASMOTE_LINK_INBOX_H
#define WASMOTE_LINK_INBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "messages.h"

/* §4.5: a command's payload is 1..64 bytes. */
#define INBOX_COMMAND_MAX_BYTES 64

typedef struct {
  uint16_t command_id;
  uint8_t length;
  uint8_t payload[INBOX_COMMAND_MAX_BYTES];
} inbox_command_t;

/* §4.8: at most 255 bytes of data. */
#define INBOX_RESPONSE_MAX_BYTES 255

typedef struct {
  uint8_t status;
  uint8_t length;
  uint8_t data[INBOX_RESPONSE_MAX_BYTES];
} inbox_response_t;

void inbox_init(void);

/* For the UART's receive interrupt. */
void inbox_receive(uint8_t byte);

bool inbox_has_command(void);
/* Takes the oldest command; false when there is none. */
bool inbox_take_command(inbox_command_t *command);
/* Commands that arrived while the queue was full and were dropped. */
uint32_t inbox_commands_dropped(void);

/* Waits for the PROXY_RESPONSE to `request_id` from now on; a response to any other request is stale. */
void inbox_expect_response(uint16_t request_id);
/* Waits for none: until the next inbox_expect_response, every response is stale, even one to the last request. */
void inbox_expect_no_response(void);
bool inbox_has_response(void);
const inbox_response_t *inbox_response(void);

#endif
