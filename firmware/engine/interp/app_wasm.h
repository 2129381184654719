/*
 * The app as the build puts it in flash (app_wasm.c beside the image, host/firmware/interp-build.ts): its module,
 * and the interpreter's compiled code for it in the image's .interp_code section, which the build fills in after
 * linking (host/firmware/code-section.ts); until then every word of it is erased flash's. With INTERP_CODE_IN_RAM
 * (a board QEMU has no machine for) the code is in RAM instead, compiled into at every boot.
 */
#ifndef WASMOTE_ENGINE_INTERP_APP_WASM_H
#define WASMOTE_ENGINE_INTERP_APP_WASM_H

#include <stdint.h>

extern const uint8_t app_wasm[];
extern const uint32_t app_wasm_length;
#ifdef INTERP_CODE_IN_RAM
extern uint32_t app_code[];
#else
extern const uint32_t app_code[];
#endif
extern const uint32_t app_code_cells;

#endif
