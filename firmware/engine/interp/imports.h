/* The HAL ABI's imports (docs/hal-abi.md §4, §5) as host functions of the interpreter (imports.c). */
#ifndef WASMOTE_ENGINE_INTERP_IMPORTS_H
#define WASMOTE_ENGINE_INTERP_IMPORTS_H

#include "interp.h"

extern const interp_host_import_t engine_imports[];
extern const uint32_t engine_import_count;

#endif
