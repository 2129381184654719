/*
 * The narrow interface between the runner and whatever executes the app (docs/firmware.md, "Engine"): load
 * and instantiate, call one of the exports docs/hal-abi.md §2 defines, and report a trap. A backend binds the
 * app's imports to firmware/hal/ itself; the runner, the HAL and the boards never see how code runs.
 *
 * Every call returns true when the app returned normally and false when it trapped, with `trap` filled. After a
 * trap the instance is dead until engine_instantiate() makes a fresh one (docs/hal-abi.md §7).
 */
#ifndef WASMOTE_ENGINE_H
#define WASMOTE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../hal/app_memory.h"
#include "trap.h"

/* Once per boot, before the first engine_instantiate(). */
void engine_load(void);

/* A fresh instance: fresh linear memory, data segments and globals, the start function run. */
bool engine_instantiate(trap_t *trap);

/* The app's `wasmote_abi_version` global (docs/hal-abi.md §1). */
uint32_t engine_abi_version(void);

/* The instance's linear memory, as the HAL imports check pointers against it. */
app_memory_t engine_memory(void);

bool engine_call_init(trap_t *trap);
bool engine_call_tick(uint64_t now_ms, uint32_t *delay_ms, trap_t *trap);
bool engine_call_command_buffer(uint32_t length, uint32_t *ptr, trap_t *trap);
bool engine_call_command(uint32_t ptr, uint32_t length, uint32_t *status, trap_t *trap);

/*
 * Ends the running call with `trap` from outside the app's own code: a HAL import (env.abort) or the runner's
 * time budget. Does not return. Only valid while an engine_call_* is in progress.
 */
_Noreturn void engine_raise(const trap_t *trap);

#endif
