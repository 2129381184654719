#include "memory.h"

node_ram_t node_ram;
const app_memory_t node_memory = {(uint8_t *)&node_ram, sizeof node_ram};
