/*
 * The device's receiving half of the link: bytes from the UART's interrupt go through the decoder, and what the
 * device receives (docs/link-protocol.md §1) is kept for the main loop: COMMANDs in a queue of four (§7.4), the
 * PROXY_RESPONSE a tunnelled peripheral call waits for in a slot of its own. It is the smaller receiver of §2:
 * frames of other types go no further, dropped as unknownType as a type it does not know is; it holds
 * LINK_DEVICE_RX_BODY_BYTES of body, 270 encoded bytes, and drops a longer run as oversize. It counts every
 * segment by outcome for HEARTBEAT (§4.8).
 */
#ifndef WASMOTE_LINK_INBOX_H
#define WASMOTE_LINK_INBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include "messages.h"

/* §7.4: at most four commands wait to be handled. */
#define INBOX_COMMAND_SLOTS 4u
/* §7.4: commands that found the queue full and wait for their QUEUE_FULL answer (the shipped firmware's 8). */
#define INBOX_REFUSAL_SLOTS 8u

/*
 * A COMMAND as it came: its frame's session_tag (the edge's), its id and its whole payload, opcode first. The
 * store of results keys on session_tag, command_id and inbox_command_crc() (§7.4).
 */
typedef struct {
  uint16_t session_tag;
  uint16_t command_id;
  uint8_t length;
  uint8_t payload[LINK_COMMAND_MAX_BYTES];
} inbox_command_t;

/* §4.10: at most 255 bytes of data. */
#define INBOX_RESPONSE_MAX_BYTES LINK_PROXY_DATA_MAX_BYTES

typedef struct {
  uint8_t status;
  uint8_t length;
  uint8_t data[INBOX_RESPONSE_MAX_BYTES];
} inbox_response_t;

/* Empties the queues and the response slot, and zeroes the counts: at boot. */
void inbox_init(void);

/* For the UART's receive interrupt. */
void inbox_receive(uint8_t byte);

/* §6: frames accepted and segments dropped by reason since inbox_init(), for HEARTBEAT's rx_* fields. */
link_rx_counts_t inbox_rx_counts(void);

bool inbox_has_command(void);
/* Takes the oldest waiting command, freeing its place in the queue; false when none waits. */
bool inbox_take_command(inbox_command_t *command);
/*
 * Takes the id of the oldest command that arrived while INBOX_COMMAND_SLOTS waited: the runner answers it
 * QUEUE_FULL (origin runner) and nothing else. False when there is none.
 */
bool inbox_take_refused(uint16_t *command_id);
/*
 * Commands refused for a full queue since inbox_init(), HEARTBEAT's commands_dropped. One that arrives while
 * INBOX_REFUSAL_SLOTS refusals are still unanswered is counted but gets no answer (§7.4).
 */
uint32_t inbox_commands_dropped(void);
/* §7.4: the CRC-32 (§3.2) of a command's payload, which keys the store of results with session_tag and command_id. */
uint32_t inbox_command_crc(const inbox_command_t *command);

/* Waits for the PROXY_RESPONSE to `request_id` from now on; a response to any other request is stale. */
void inbox_expect_response(uint16_t request_id);
/* Waits for none: until the next inbox_expect_response, every response is stale, even one to the last request. */
void inbox_expect_no_response(void);
bool inbox_has_response(void);
const inbox_response_t *inbox_response(void);

#endif
