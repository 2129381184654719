/*
 * The device's sending half of the link: numbers its frames from 0 at boot (docs/link-protocol.md §5), encodes
 * them in one body buffer, as long as the longest message a device sends (LINK_DEVICE_MAX_PAYLOAD_BYTES), and
 * hands the wire bytes to the board's UART as COBS makes them.
 */
#ifndef WASMOTE_LINK_DEVICE_H
#define WASMOTE_LINK_DEVICE_H

#include <stdbool.h>

#include "cobs.h"
#include "messages.h"

void link_device_init(byte_sink_t transmit, void *context);

/* True while a frame is going out: the app's time budget waits for it, so no frame is cut short. */
extern volatile bool link_device_transmitting;

/*
 * Sends `message` (HELLO, METRIC, DATA, LOG, EVENT, COMMAND_RESULT, HEARTBEAT or PROXY_REQUEST) with the next seq;
 * false, using no seq, when the encoder refuses it (§5, messages.h) or the type is not one a device sends.
 */
bool link_device_send(const link_message_t *message);

#endif
