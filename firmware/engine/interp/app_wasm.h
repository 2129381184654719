/* The app's module as the build embeds it in flash (app_wasm.c beside the image, host/firmware/interp-build.ts). */
#ifndef WASMOTE_ENGINE_INTERP_APP_WASM_H
#define WASMOTE_ENGINE_INTERP_APP_WASM_H

#include <stdint.h>

extern const uint8_t app_wasm[];
extern const uint32_t app_wasm_length;

#endif
