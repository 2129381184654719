#include "status.h"

const char *node_status_name(int32_t status) {
  switch (status) {
    case HAL_OK: return "ok";
    case HAL_NACK_ADDRESS: return "nack-address";
    case HAL_NACK_DATA: return "nack-data";
    case HAL_BUS_ERROR: return "bus-error";
    case HAL_TIMEOUT: return "timeout";
    case HAL_BAD_ARGUMENT: return "bad-argument";
    case HAL_UNSUPPORTED: return "unsupported";
    case NODE_CRC: return "crc-mismatch";
    case NODE_WRONG_IDENTITY: return "wrong-identity";
    case NODE_NO_DATA: return "no-data";
    case NODE_CHIP_RESET: return "chip-reset";
    default: return "unknown-status";
  }
}
