/*
 * What HELLO says about the firmware and the app (docs/link-protocol.md §4.1). `wasmote firmware build` writes
 * these into the image: the app's name and hash as the simulator reports them (host/sim/app-image.ts).
 */
#ifndef WASMOTE_RUNNER_IDENTITY_H
#define WASMOTE_RUNNER_IDENTITY_H

#include <stdint.h>

#include "../link/messages.h"

/* `wasmote-fw/1 <board>`, at most 32 bytes. */
extern const char firmware_version[];
/* `<file name>@<first 8 hex digits of the hash>`, at most 32 bytes. */
extern const char app_version[];
/* HELLO's app_name and board: link ids (docs/link-protocol.md §3.3). */
extern const char app_name[];
extern const char board_name[];
/* SHA-256 of the app's .wasm. */
extern const uint8_t app_hash[LINK_APP_HASH_BYTES];

#endif
