/*
 * HEARTBEAT (docs/link-protocol.md §4.8, §7.2): due at every multiple of HEARTBEAT_PERIOD_MS of uptime; one that
 * falls due while the runner is busy goes out at the next loop point, stamped with the latest multiple passed, and
 * the periods passed over are not sent separately.
 */
#ifndef WASMOTE_RUNNER_HEARTBEAT_H
#define WASMOTE_RUNNER_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "../link/messages.h"

/* §7.2: the period both runners announce in HELLO (host/sim/sim-device.ts). */
#define HEARTBEAT_PERIOD_MS 5000u

/* The first heartbeat falls due one period after boot. */
void heartbeat_start(void);

/* When the next heartbeat falls due, µs of uptime. */
uint64_t heartbeat_due_us(void);

/*
 * Sends the heartbeat due at `now_us` (heartbeat_due_us() <= now_us). The runner fills its own fields of `beat`
 * (session, boot count, app state, restart time, failures); this fills the rest: the time it fell due, the period,
 * the receiver's counts and commands_dropped (link/inbox.h), the LED mode and period and the report interval as the
 * app set them (hal/telemetry.h), and the LED level and brightness as the board drives them (boards/board.h).
 */
void heartbeat_send(uint64_t now_us, link_heartbeat_t *beat);

#endif
