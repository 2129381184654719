/*
 * The sizes the build computes for the app (host/firmware/interp-build.ts) and passes with -D: the linear
 * memory the app may use, the value stack one call into the app may use, and the arena its loaded form needs
 * (measured by the host build, firmware/engine/interp/host/).
 */
#ifndef WASMOTE_ENGINE_INTERP_CONFIG_H
#define WASMOTE_ENGINE_INTERP_CONFIG_H

#ifndef ENGINE_MEMORY_LIMIT_BYTES
#error "ENGINE_MEMORY_LIMIT_BYTES must be defined by the build"
#endif
#ifndef ENGINE_APP_STACK_BYTES
#error "ENGINE_APP_STACK_BYTES must be defined by the build"
#endif
#ifndef INTERP_ARENA_BYTES
#error "INTERP_ARENA_BYTES must be defined by the build"
#endif

#endif
