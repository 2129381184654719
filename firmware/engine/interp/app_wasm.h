/*
 * The app as the build puts it in flash (app_wasm.c beside the image, host/firmware/interp-build.ts): its module,
 * and the interpreter's compiled code for it in the image's .interp_code section, which the build fills in after
 * linking (host/firmware/code-section.ts); until then every word of it is erased flash's.
 */
#ifndef WASMOTE_ENGINE_INTERP_APP_WASM_H
#define WASMOTE_ENGINE_INTERP_APP_WASM_H

#include <stdint.h>

extern const uint8_t app_wasm[];
extern const uint32_t app_wasm_length;
extern const uint32_t app_code[];
extern const uint32_t app_code_cells;

#endif
