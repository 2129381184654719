/*
 * The device's sending half of the link: numbers its frames from 0 at boot (docs/link-protocol.md §5), tags
 * each with the low 16 bits of the session drawn at boot (§3.1, §5.1), encodes them in one body buffer, as long
 * as the longest message a device sends (LINK_DEVICE_MAX_PAYLOAD_BYTES), and hands the wire bytes to the
 * board's UART as COBS makes them.
 */
#ifndef WASMOTE_LINK_DEVICE_H
#define WASMOTE_LINK_DEVICE_H

#include <stdbool.h>

#include "cobs.h"
#include "messages.h"

/*
 * At boot, once: where frames go, and the session the runner drew (§5.1: never 0), whose low 16 bits every
 * frame's session_tag carries. Starts seq at 0.
 */
void link_device_init(byte_sink_t transmit, void *context, uint32_t session);

/* The session given to link_device_init(), for HELLO's and HEARTBEAT's `session`. */
uint32_t link_device_session(void);

/* True while a frame is going out: the app's time budget waits for it, so no frame is cut short. */
extern volatile bool link_device_transmitting;

/*
 * Sends `message` (HELLO, METRIC, DATA, LOG, EVENT, COMMAND_RESULT, HEARTBEAT or PROXY_REQUEST) with the next seq
 * and the device's session_tag; false, using no seq, when the encoder refuses it (§5, messages.h), the type is
 * not one a device sends, or a HELLO or HEARTBEAT carries another session than the device's.
 */
bool link_device_send(const link_message_t *message);

#endif
