#include "telemetry.h"

#include <string.h>

#include "../../hal/imports.h"
#include "memory.h"

hal_status_t node_declare_metric(int32_t id, const char *name, const char *unit) {
  size_t name_length = strlen(name);
  size_t unit_length = strlen(unit);
  if (name_length > NODE_METRIC_NAME_BYTES || unit_length > NODE_METRIC_UNIT_BYTES) return HAL_BAD_ARGUMENT;
  memcpy(node_ram.metric_name, name, name_length);
  memcpy(node_ram.metric_unit, unit, unit_length);
  return hal_metric_declare(&node_memory, id, node_ptr(node_ram.metric_name), name_length,
                            node_ptr(node_ram.metric_unit), unit_length);
}
